"""Typed errors. A DyadsError is a user mistake or a bad input: the CLI prints its
message on one line and exits with its exit code, never a traceback."""
from __future__ import annotations


# Exit codes: 0 success; 1 error; 2 command-line usage; 3 some inputs skipped;
# 4 missing spaCy model; 5 bad lexicon/knowledge-base file; 6 store; 7 gold file.
EXIT_SKIPPED = 3


class DyadsError(Exception):
    exit_code = 1


class UsageError(DyadsError):
    """An option value the command cannot use (a date that is not YYYY-MM-DD)."""

    exit_code = 2


class InputError(DyadsError):
    """A record or file that cannot be read; says where and why (``kind`` groups reasons in summaries)."""

    exit_code = 1

    def __init__(self, reason: str, origin: str = "", kind: str = "record") -> None:
        self.reason = reason
        self.origin = origin
        self.kind = kind
        super().__init__(f"{origin}: {reason}" if origin else reason)


class ModelNotFound(DyadsError):
    exit_code = 4


class LexiconError(DyadsError):
    exit_code = 5


class KnowledgeBaseError(DyadsError):
    exit_code = 5


class StoreError(DyadsError):
    exit_code = 6


class GoldFormatError(DyadsError):
    exit_code = 7


class ModelError(DyadsError):
    """A coder model directory that is missing, corrupt or made for another format."""

    exit_code = 5


class GazetteerError(DyadsError):
    """A gazetteer index that cannot be read, or GeoNames dumps that cannot be imported."""

    exit_code = 1
