"""Queries over the store, with one set of filters used by the CLI, the Python API and the
web API alike. The SQL lives in ``dyads.store``; these names stay importable from here."""
from __future__ import annotations

from dyads.store.events import (count_events, event_record, event_records, events_frame, mentions_for,
                                record_from_row)
from dyads.store.filters import SORTABLE, EventFilter, make_filter

_mentions_for = mentions_for  # the old private name, still imported by callers being migrated

__all__ = ["SORTABLE", "EventFilter", "make_filter", "count_events", "event_record", "event_records",
           "events_frame", "mentions_for", "record_from_row"]
