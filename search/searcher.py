"""Opening an index wherever it lives: a folder (Whoosh, embedded) or a Typesense
collection (``typesense://KEY@HOST:PORT[,HOST:PORT…]/COLLECTION``).

Callers get an object meeting :class:`search.backends.SearchIndex` and never learn
which engine answers; the engines themselves live in :mod:`search.backends`.
"""

from __future__ import annotations

from pathlib import Path

from search.backends import SearchIndex, open_backend
from search.options import MAX_PAGE_SIZE

#: The type every backend's open index meets (the public ``search.Index``).
Index = SearchIndex

__all__ = ["MAX_PAGE_SIZE", "Index", "open_index"]


def open_index(location: str | Path) -> Index:
    """Open the index at ``location`` for searching: a folder, or a ``typesense://`` URL."""
    return open_backend(location)
