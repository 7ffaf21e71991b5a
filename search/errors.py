"""Errors the library raises, each with a message that names the next step.

Callers (the CLI, the web app) print ``str(error)`` as it is: no traceback is
needed to act on any of them.
"""

from __future__ import annotations

import os

from search.folder import printable


class SearchError(Exception):
    """Base class: everything this package raises on purpose."""


class ArticleError(SearchError):
    """A file cannot be read as an article (empty, binary, too large, unreadable)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = printable(path)  # a name that is not UTF-8 must still print
        super().__init__(f"{self.path}: {reason}")
        self.reason = reason


class NoIndexError(SearchError):
    """There is no index where one was expected."""

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No index at {index_dir}: "
            f"run `python -m search index SEEDS_DIR --index {index_dir}` first"
        )
        self.index_dir = index_dir


class IndexLockedError(SearchError):
    """Another indexer holds the write lock for longer than we were willing to wait."""

    def __init__(self, index_dir: str, waited: float) -> None:
        super().__init__(
            f"Another indexer is writing to {index_dir} (waited {waited:.0f} s). "
            "Let it finish and run again, or pass --wait SECONDS to wait longer."
        )
        self.index_dir = index_dir


class IndexBusyError(SearchError):
    """Other indexers kept committing while this run read the index, every time."""

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"The index at {index_dir} kept changing while it was read (other indexers "
            "committing): nothing was changed; run the same command again."
        )
        self.index_dir = index_dir


class CorruptIndexError(SearchError):
    """The index on disk cannot be read back."""

    def __init__(self, index_dir: str, detail: str) -> None:
        super().__init__(
            f"The index at {index_dir} is damaged ({detail}): run "
            f"`python -m search index SEEDS_DIR --index {index_dir} --rebuild` to rebuild it"
        )
        self.index_dir = index_dir


class IndexWriteError(SearchError):
    """The index cannot be written: the disk is full, or the folder is read-only.
    Nothing was changed; what the failed run had written was removed."""


class ArticleNotFoundError(SearchError):
    """No article with that id is in the index."""

    def __init__(self, article_id: str) -> None:
        super().__init__(f"No article with id {article_id!r} in the index")
        self.article_id = article_id


class InvalidRequestError(SearchError):
    """A search option that cannot be used as given (a sort order, a date)."""
