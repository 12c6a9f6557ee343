"""What one request to the workbench may ask for; the server enforces these and the
client (``dyads code --server``) sizes its requests by them."""
from __future__ import annotations

from dyads.ingest.screen import IngestOptions

MAX_BODY = 2 * 1024 * 1024  # bytes of request body (Content-Length or counted); over it: 413
MAX_ARTICLES = 100  # records per POST /api/articles; over it: 413
# Characters coded in one pass of the pipeline, and the part size of longer texts (the
# CLI's default --max-chars). spaCy and the coder hold several KB per character of the
# texts in a pass, so this, not the body size, is what bounds a request's memory.
MAX_TEXT = IngestOptions.max_chars
MAX_LIMIT = 1000  # items per page
MAX_OFFSET = 2**53 - 1  # the largest integer the dashboard's JavaScript counts exactly
