"""The one door to the search engine: every Whoosh import in the package goes through here.

Keeping the engine behind one module means it can be swapped (a Whoosh fork,
or another engine) by changing this file and the four modules that use it
(schema, indexer, searcher), and that the version check runs once.
"""

from __future__ import annotations

import re
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # whoosh 2.7.4 compiled from source raises SyntaxWarnings on 3.12+; whoosh-reloaded does not.
    warnings.simplefilter("ignore", SyntaxWarning)
    import whoosh
    from whoosh import analysis, collectors, fields, formats, index, matching, qparser, query
    from whoosh.fields import ensure_schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, EmptyIndexError, LockError, clean_files
    from whoosh.reading import TermNotFound
    from whoosh.support.charset import accent_map
    from whoosh.writing import SegmentWriter

__all__ = [
    "EmptyIndexError",
    "LockError",
    "SegmentWriter",
    "TermNotFound",
    "accent_map",
    "analysis",
    "collectors",
    "create_index",
    "fields",
    "formats",
    "has_index",
    "index",
    "latest_generation",
    "matching",
    "qparser",
    "query",
    "remove_debris",
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


def has_index(folder: str | Path) -> bool:
    """Is there an index (a table of contents) in ``folder``? Unlike Whoosh's
    ``exists_in`` this does not read it, so a damaged one still counts as there."""
    path = Path(folder)
    return path.is_dir() and any(_TOC.fullmatch(entry.name) for entry in path.iterdir())


def latest_generation(folder: str | Path) -> int:
    """The newest commit's generation in ``folder`` (-1 if none), from the file names
    alone: it does not read the table of contents, so it works on a damaged one."""
    path = Path(folder)
    if not path.is_dir():
        return -1
    found = (_TOC.fullmatch(entry.name) for entry in path.iterdir())
    return max((int(match[1]) for match in found if match), default=-1)


_TOC = re.compile(r"_MAIN_(\d+)\.toc")


def create_index(folder: str | Path, schema: Any, *, wait: float) -> Any:
    """A new, empty index in ``folder``, replacing whatever index was there, its first
    generation after the newest the folder held. Raises LockError after waiting
    ``wait`` s for another writer.

    Not Whoosh's ``create_in``: it starts again at generation 0, so a server that had
    read generation N of the old index took the new one's generation N for the one
    it had (``Searcher.up_to_date()``, caches keyed by generation and document
    number) and served old or other articles. And it deletes the old tables of
    contents without the write lock, under a writer about to commit into them."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(path))
    name = index._DEF_INDEX_NAME
    lock = storage.lock(f"{name}_WRITELOCK")
    deadline = time.monotonic() + wait
    while not lock.acquire(False):
        if time.monotonic() >= deadline:
            raise LockError
        time.sleep(0.25)
    try:
        # Written before the old files go, so a reader finds one index or the other.
        TOC(ensure_schema(schema), [], latest_generation(path) + 1).write(storage, name)
        _remove_debris(storage, name)  # every file of the old index
    finally:
        lock.release()
    return index.open_dir(str(path))


def remove_debris(ix: Any) -> None:
    """Delete what a failed write left in an index folder: segment files that the
    current table of contents does not name, half-written TOC files and the
    writer's temporary folder (a full disk would otherwise stay full).

    Only done while holding the write lock, so another writer's files are safe."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(False):
        return
    try:
        _remove_debris(ix.storage, ix.indexname)
    finally:
        lock.release()


def _remove_debris(storage: Any, name: str) -> None:
    """:func:`remove_debris` for a caller holding the write lock."""
    try:
        toc = TOC.read(storage, name)
    except Exception:  # no readable TOC: there is nothing of a commit to keep
        clean_files(storage, name, -1, [])
    else:
        clean_files(storage, name, toc.generation, toc.segments)
    temporary = re.compile(rf"^_{re.escape(name)}_\d+\.toc\.|\.tmp$")
    for entry in Path(storage.folder).iterdir():
        if temporary.search(entry.name):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


version()
