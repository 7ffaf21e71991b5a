"""Incremental indexing: discover files, parse and extract them, write the index.

A file is identified by its path relative to the folder, and re-indexed only
when its content hash changes; files gone from the folder are removed from
the index. All changes go into one commit at the end, so a crash or Ctrl-C
mid-run leaves the previous index as it was, and every file that cannot be
read is reported with its reason and skipped while the rest is indexed.
"""

from __future__ import annotations

import errno
import functools
import json
import multiprocessing
import os
import pickle
import struct
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from search import corrections as corrections_file
from search import segments
from search import spellings as place_spellings
from search.articles import Article, content_hash
from search.backends import TypesenseLocation, typesense_location
from search.corrections import FILENAME, Correction
from search.duplicates import MIN_SHARED, THRESHOLD, could_resemble, resemblance
from search.engine import (
    LockError,
    TermNotFound,
    create_index,
    has_index,
    index,
    latest_generation,
    remove_debris,
)
from search.errors import (
    ArticleError,
    CorruptIndexError,
    IndexBusyError,
    IndexLockedError,
    IndexWriteError,
    SearchError,
)
from search.extract import extract
from search.folder import ArticleFile, FileProblem, discover, printable
from search.layout import Prepared, Todo, document, prepare
from search.schema import (
    build_schema,
    mark_schema,
    schema_is_current,
)
from search.sketches import SketchTable
from search.textfiles import DEFAULT_MAX_BYTES, read_bytes

__all__ = ["FileProblem", "IndexStats", "build_index", "discover", "document"]

#: What a damaged segment raises when Whoosh reads it (a truncated file, bad zlib data).
_DAMAGE = (EOFError, zlib.error, struct.error, pickle.UnpicklingError)
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


@dataclass
class IndexStats:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    ignored: list[FileProblem] = field(default_factory=list)
    seconds: float = 0.0
    documents: int = 0  # in the index after the run
    rebuilt: str | None = None  # why the index was built anew rather than updated

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed "
            f"({self.documents} article{'' if self.documents == 1 else 's'} in the index) "
            f"in {self.seconds:.1f} s"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_index(
    seeds_dir: str | Path,
    index_dir: str | Path,
    *,
    progress: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    wait: float = 30.0,
    notify: Callable[[str], None] | None = None,
    extractor: Callable[[Article], Article] = extract,
    workers: int | None = None,
    rebuild: bool = False,
    only: Collection[str] | None = None,
) -> IndexStats:
    """Bring the index at ``index_dir`` in line with the articles in ``seeds_dir``.

    ``wait`` is how long to wait for another indexer's write lock before
    giving up with :class:`IndexLockedError`; ``notify`` receives a line when
    the run has to wait. ``extractor`` turns a freshly read article into the
    one indexed (boilerplate, quotes, places); pass your own to change that.
    ``workers`` processes each read, extract and write a segment of the index for
    a share of the files (default: one per core, up to four, when there is a second
    core and the caller's script would not be re-run by them; 0 to do everything
    here). ``rebuild`` builds the index anew;
    a damaged index is rebuilt without asking (``IndexStats.rebuilt`` says why).
    ``only`` brings just the articles with these ids up to date, leaving the rest
    of the index alone (the web app re-indexes an article it took a correction for).
    A full disk or a read-only folder raises :class:`IndexWriteError` after
    removing what the run had written, leaving the previous index as it was.
    """
    started = time.perf_counter()
    folder = Path(seeds_dir)
    if not folder.is_dir():
        raise SearchError(f"No folder of articles at {folder}: give the folder to index")
    remote = typesense_location(index_dir)
    if remote is not None:
        stats = _run_store(folder, remote, max_bytes, extractor, workers, progress, rebuild)
        stats.seconds = time.perf_counter() - started
        return stats
    index_dir = Path(index_dir)
    run = functools.partial(
        _run, folder, index_dir, max_bytes, wait, notify, extractor, workers, progress, only
    )
    try:
        try:
            try:
                stats = run(rebuild)
            except _Stale:  # read again, holding the lock from the start this time
                stats = run(rebuild, lock_first=True)
        except _DAMAGE as error:
            # A segment damaged where the first checks did not read (postings): the
            # index is derived from the folder, so building it again loses nothing.
            if rebuild:
                raise CorruptIndexError(str(index_dir), repr(error)) from error
            stats = run(True)
            stats.rebuilt = f"the index was damaged ({error!r}): rebuilt from the folder"
    except OSError as error:
        raise _write_fault(error, index_dir) from error
    stats.seconds = time.perf_counter() - started
    return stats


def _run(
    folder: Path,
    index_dir: Path,
    max_bytes: int,
    wait: float,
    notify: Callable[[str], None] | None,
    extractor: Callable[[Article], Article],
    workers: int | None,
    progress: bool,
    only: Collection[str] | None,
    rebuild: bool,
    lock_first: bool = False,
) -> IndexStats:
    stats = IndexStats()
    opened = _open_or_create(index_dir, rebuild, wait)
    ix, stats.rebuilt = opened.ix, opened.rebuilt
    writer: Any = None
    table: SketchTable | None = None
    try:
        if lock_first:
            writer = _writer(ix, index_dir, wait, notify)
            if opened.stale(writer):
                opened.read_again()
        searcher, indexed = opened.searcher, opened.indexed
        files, stats.ignored, stats.warnings = discover(folder)
        spellings = place_spellings.SpellingMap(index_dir, fresh=not indexed)
        table = SketchTable(index_dir, fresh=not indexed, stored=_stored_sketches(searcher))
        groups = _Groups(searcher.reader(), table, lookup=bool(indexed))
        if only is not None and not stats.rebuilt:
            files = [file for file in files if file.id in only]
            indexed = {key: value for key, value in indexed.items() if key in only}
        corrections, unreadable = corrections_file.load(folder)
        stats.warnings += [FileProblem(printable(folder / FILENAME), line) for line in unreadable]
        gone = indexed.keys() - {file.id for file in files}
        todo = _changed(files, indexed, corrections, max_bytes, stats)
        if (todo or gone) and writer is None:  # else no lock taken, no commit made
            writer = _writer(ix, index_dir, wait, notify)
            if opened.stale(writer):
                raise _Stale
        workers = segments.count_workers(workers, len(todo), extractor)
        with (
            segments.parts(writer, str(index_dir), todo, extractor, max_bytes, workers) as parts,
            _progress(len(todo), progress) as bar,
        ):
            for items, write in parts.prepared():
                written: list[str | None] = []
                for item in items:
                    bar.update()
                    if not _counted(item, stats):
                        written.append(None)
                        continue
                    spellings.add(item.places)
                    if item.article_id in indexed:
                        writer.delete_by_term("id", item.article_id)
                        table.remove(item.article_id)
                        stats.updated += 1
                    else:
                        stats.added += 1
                    written.append(groups.assign(item.article_id, item.sketch))
                    table.add(item.article_id, item.sketch)
                write(written)
            new_segments = parts.segments()
        for article_id in gone:
            writer.delete_by_term("id", article_id)
            table.remove(article_id)
            stats.removed += 1
        if stats.added or stats.updated or stats.removed:
            spellings.save()  # before the commit: a reader of the new commit needs it
            table.commit()  # before it too: an indexed article is always in the table
            merge = _merge_all(searcher.reader(), stats, len(new_segments) or 1)
            segments.commit(writer, new_segments, optimize=merge)
        elif writer is not None:
            writer.cancel()  # every changed file failed: no new commit
    except BaseException:
        if writer is not None and not writer.is_closed:
            _abandon(ix, writer)
        raise
    finally:
        if table is not None:
            table.close()
        opened.searcher.close()
    stats.documents = ix.doc_count()
    return stats


def _stored_sketches(searcher: Any) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Each indexed article's id and sketch (read only if the table is built again)."""
    for stored in searcher.all_stored_fields():
        yield stored["id"], tuple(stored.get("sketch") or ())


def _run_store(
    folder: Path,
    location: TypesenseLocation,
    max_bytes: int,
    extractor: Callable[[Article], Article],
    workers: int | None,
    progress: bool,
    rebuild: bool,
) -> IndexStats:
    """:func:`_run` for an engine behind :class:`search.backends.ArticleStore`
    (Typesense): the same discovery, reading, extraction and corrections, so the
    same articles and counts; the engine's own writes instead of a Whoosh writer."""
    from search.backends.typesense_store import TypesenseStore

    stats = IndexStats()
    store = TypesenseStore(location, rebuild=rebuild)
    stats.rebuilt = store.rebuilt
    indexed = store.indexed()
    files, stats.ignored, stats.warnings = discover(folder)
    corrections, unreadable = corrections_file.load(folder)
    stats.warnings += [FileProblem(printable(folder / FILENAME), line) for line in unreadable]
    todo = _changed(files, indexed, corrections, max_bytes, stats)
    for item in _extracted(todo, extractor, max_bytes, workers, progress, stats):
        article = Article.from_dict(json.loads(item.fields["article"]))
        if item.article_id in indexed:
            stats.updated += 1
        else:
            stats.added += 1
        group = store.group_for(item.article_id, item.sketch)
        store.put(article, item.fields["content_hash"], item.sketch, group)
    store.commit()
    for article_id in indexed.keys() - {file.id for file in files}:
        store.delete(article_id)
        stats.removed += 1
    store.commit()
    stats.documents = store.count(len(indexed) + stats.added - stats.removed)
    return stats


def _changed(
    files: list[ArticleFile],
    indexed: dict[str, str],
    corrections: dict[str, list[Correction]],
    max_bytes: int,
    stats: IndexStats,
) -> list[Todo]:
    """The files to (re-)index: their version (content and corrections) unlike the
    one indexed; unchanged and unreadable ones are counted in ``stats``."""
    todo: list[Todo] = []
    for file in files:
        try:
            data = read_bytes(file.path, max_bytes, follow_links=False)
        except ArticleError as error:
            stats.failed.append(FileProblem(printable(file.path), error.reason))
            continue
        mine = tuple(corrections.get(file.id, ()))
        if indexed.get(file.id) == corrections_file.version(content_hash(data), mine):
            stats.unchanged += 1
        else:
            todo.append(Todo(file, mine))
    return todo


def _extracted(
    todo: list[Todo],
    extractor: Callable[[Article], Article],
    max_bytes: int,
    workers: int | None,
    progress: bool,
    stats: IndexStats,
) -> Iterator[Prepared]:
    """Each file extracted and laid out (by worker processes when they pay), in order;
    the ones that fail are counted in ``stats``, as are their warnings."""
    run = functools.partial(prepare, extractor=extractor, max_bytes=max_bytes)
    with _pool(len(todo), workers, extractor) as pool, _progress(len(todo), progress) as bar:
        for item in pool.map(run, todo, chunksize=16) if pool else map(run, todo):
            bar.update()
            if _counted(item, stats):
                yield item


def _counted(item: Prepared, stats: IndexStats) -> bool:
    """Record a prepared file's failure or warnings in ``stats``: is it to be written?"""
    if item.problem is not None:
        stats.failed.append(FileProblem(item.path, item.problem))
        return False
    stats.warnings += [FileProblem(item.path, note) for note in item.notes]
    if item.encoding not in ("utf-8", "utf-8-sig"):
        stats.warnings.append(FileProblem(item.path, f"not UTF-8: decoded as {item.encoding}"))
    return True


def _progress(total: int, shown: bool) -> tqdm[Any]:
    return tqdm(total=total, desc="indexing", unit="file", disable=not shown, file=sys.stderr)


#: Merge every segment into one when a commit would leave more than this many, or
#: when more than this share of the documents kept on disk are deleted ones.
MAX_SEGMENTS = 8
MAX_DELETED = 0.2


def _merge_all(reader: Any, stats: IndexStats, new_segments: int) -> bool:
    """The merge policy: Whoosh merges only small segments at each commit, so runs
    that each add many articles pile up large ones (every query then searches each:
    ten segments made queries 2.8x slower than one) and updates leave deleted
    documents in them. Merging everything costs a rewrite, so it is done only
    when either grows past its limit, which bounds both."""
    segments = len(list(reader.leaf_readers()))
    deleted = reader.doc_count_all() - reader.doc_count() + stats.updated + stats.removed
    return segments + new_segments > MAX_SEGMENTS or deleted > MAX_DELETED * max(
        reader.doc_count_all(), 1
    )


def _abandon(ix: Any, writer: Any) -> None:
    """Cancel a write and remove the files it made, leaving the last commit as it was.

    On a full disk ``cancel()`` itself can fail while closing its files; the lock
    must be released all the same, or every later run in this process waits for it."""
    try:
        writer.cancel()
    except Exception:
        writer.writelock.release()
    remove_debris(ix)


def _write_fault(error: OSError, index_dir: Path) -> SearchError:
    """A write error as a message that names the next step."""
    if error.errno in _DISK_FULL:
        return IndexWriteError(
            f"No space left on the disk holding {index_dir}: the index is as it was before "
            "this run. Free some space and run the same command again."
        )
    if error.errno in _READ_ONLY:
        return IndexWriteError(
            f"Cannot write to the index folder {index_dir} ({error.strerror}): make it "
            "writable, or pass --index with another folder."
        )
    return IndexWriteError(
        f"Writing the index at {index_dir} failed ({error.strerror or error}): the index is "
        "as it was before this run; fix the cause and run the same command again."
    )


@contextmanager
def _pool(
    jobs: int, workers: int | None, extractor: Callable[[Article], Article]
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes that read and extract for an engine this process writes to
    (Typesense), as many as :func:`segments.count_workers` gives."""
    workers = segments.count_workers(workers, jobs, extractor)
    if workers < 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=segments.follow_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        # On Ctrl-C or an error, drop the queued files rather than extract them all.
        pool.shutdown(wait=True, cancel_futures=True)


class _Groups:
    """Puts each new article in a group of near-duplicates: with an article already
    indexed, or one added earlier in this run, that it resembles; else in its own."""

    def __init__(self, reader: Any, table: SketchTable, *, lookup: bool) -> None:
        self.reader, self.table = reader, table
        self.lookup = lookup  # are there articles indexed before this run?
        self.this_run: dict[int, list[tuple[str, tuple[int, ...], str]]] = defaultdict(list)
        self.added: set[str] = set()

    def assign(self, article_id: str, values: tuple[int, ...]) -> str:
        shared: Counter[str] = Counter()
        seen: dict[str, tuple[tuple[int, ...], str]] = {}
        for value in values:
            for other_id, other_values, group in self.this_run[value]:
                shared[other_id] += 1
                seen[other_id] = (other_values, group)
        size = len(values)
        others = [
            seen[other]
            for other, count in shared.items()
            if count >= MIN_SHARED and could_resemble(count, size)
        ]
        for other_id, count in self.table.candidates(values) if self.lookup else ():
            if other_id == article_id or other_id in self.added:
                continue  # its own previous version, or one of this run (seen above)
            if not could_resemble(count, size):
                continue
            try:
                docnum = self.reader.first_id("id", other_id)
            except TermNotFound:
                continue  # a row of a run whose commit failed
            stored = self.reader.stored_fields(docnum)
            others.append((tuple(stored.get("sketch") or ()), stored.get("dupe_group") or other_id))
        best: tuple[float, str] | None = None
        for other_values, group in others:
            score = resemblance(values, other_values)
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, group)
        group = best[1] if best else article_id
        for value in values:
            self.this_run[value].append((article_id, values, group))
        self.added.add(article_id)
        return group


@dataclass
class _Opened:
    """An index opened for a run: a searcher on one commit and what that commit holds."""

    ix: Any
    searcher: Any
    indexed: dict[str, str]  # id -> version (content and corrections) indexed
    generation: int  # of the commit read, or an older one
    rebuilt: str | None = None  # why the index was built anew

    def stale(self, writer: Any) -> bool:
        """Has another indexer committed since the commit read? (``writer`` was made on
        the newest one.)"""
        return bool(writer.generation - 1 != self.generation)

    def read_again(self) -> None:
        """Read the newest commit (the caller holds the write lock, so it stays newest)."""
        self.searcher.close()
        self.generation = self.ix.latest_generation()
        self.searcher = self.ix.searcher()
        self.indexed = _hashes(self.searcher)


#: Reads of the index begun again because other indexers committed during each, before
#: the run gives up (IndexBusyError) rather than take an index that keeps changing for
#: a damaged one. Each is a commit landing within one read: far more than a busy server
#: taking corrections makes.
_READ_MOVES = 50


def _open_or_create(index_dir: Path, rebuild: bool, wait: float) -> _Opened:
    """The index at ``index_dir``, opened or built anew.

    Every stored field is read here, so a damaged segment shows before any
    writing; an index that cannot be opened or read at all is built anew (it is
    derived from the folder, so nothing is lost). A read that fails while another
    indexer commits is not damage, and is begun again on the newer commit: a
    commit deletes the files of the segments it merged, and reading one of them
    fails (FileNotFoundError, or TypeError where Whoosh finds a stored-fields file
    gone and reads from None). Only a failure on the newest commit is damage."""
    why = "rebuilt as asked" if rebuild else None
    attempts = 3  # a file gone from the newest commit: read again before calling it damage
    moves = _READ_MOVES
    while has_index(index_dir) and not rebuild and attempts:
        generation = latest_generation(index_dir)  # before reading: never newer than it
        try:
            ix = index.open_dir(str(index_dir))
            if not schema_is_current(index_dir):
                why = "the index was built by an older version: rebuilt"
                break
            searcher = ix.searcher()
            try:
                return _Opened(ix, searcher, _hashes(searcher), generation)
            except BaseException:
                searcher.close()
                raise
        except Exception as error:  # a garbage TOC raises anything from struct to pickle
            if latest_generation(index_dir) != generation:
                moves -= 1
                if moves:
                    continue  # another indexer committed while this one read
                raise IndexBusyError(str(index_dir)) from error
            if isinstance(error, OSError) and error.errno in _READ_ONLY:
                raise
            attempts -= 1
            if attempts and isinstance(error, FileNotFoundError):
                continue
            why = f"the index was damaged ({error!r}): rebuilt from the folder"
        break
    try:
        created = create_index(index_dir, build_schema(), wait=wait)
    except LockError as error:
        raise IndexLockedError(str(index_dir), wait) from error
    mark_schema(index_dir)
    return _Opened(created, created.searcher(), {}, created.latest_generation(), why)


def _hashes(searcher: Any) -> dict[str, str]:
    return {f["id"]: f["content_hash"] for f in searcher.all_stored_fields()}


class _Stale(Exception):
    """Another indexer committed between this run's reading the index and its taking
    the write lock: what the run read is out of date."""


def _writer(ix: Any, index_dir: Path, wait: float, notify: Callable[[str], None] | None) -> Any:
    """The index's writer, waiting up to ``wait`` s for another indexer's lock.

    Segments are written as separate files, not Whoosh's compound file: a reader
    of a compound file copies each part into memory (BytesIO) per searcher, and
    a server has one searcher per thread, so 8 threads held 8 copies of the
    index (598 MB against 116 MB for the BBC corpus)."""
    try:
        return ix.writer(limitmb=128, compound=False)
    except LockError:
        if notify is not None:
            notify(f"Another indexer is writing to {index_dir}; waiting up to {wait:.0f} s for it")
    try:
        return ix.writer(limitmb=128, timeout=wait, delay=0.25, compound=False)
    except LockError as error:
        raise IndexLockedError(str(index_dir), wait) from error
