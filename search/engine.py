"""The one door to the search engine: every Whoosh import in the package goes through here.

Keeping the engine behind one module means it can be swapped (a Whoosh fork,
or another engine) by changing this file and the four modules that use it
(schema, indexer, searcher), and that the version check runs once.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # whoosh 2.7.4 compiled from source raises SyntaxWarnings on 3.12+; whoosh-reloaded does not.
    warnings.simplefilter("ignore", SyntaxWarning)
    import whoosh
    from whoosh import analysis, fields, index, qparser, query
    from whoosh.index import EmptyIndexError, LockError
    from whoosh.support.charset import accent_map

__all__ = [
    "EmptyIndexError",
    "LockError",
    "accent_map",
    "analysis",
    "fields",
    "index",
    "qparser",
    "query",
    "version",
]

#: All Whoosh forks install into the same ``whoosh/`` folder and the last one wins:
#: we need the 2.7 line's on-disk format and API.
SUPPORTED_MAJOR_MINOR = (2, 7)


def version() -> str:
    """The installed Whoosh version, refusing one from another line."""
    if tuple(whoosh.__version__[:2]) != SUPPORTED_MAJOR_MINOR:
        raise ImportError(
            f"Whoosh {whoosh.versionstring()} is installed; this package needs the 2.7 line: "
            "pip install 'whoosh-reloaded==2.7.5'"
        )
    return str(whoosh.versionstring())


version()
