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
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from search import corrections as corrections_file
from search import spellings as place_spellings
from search.articles import Article, content_hash, read_article
from search.backends import TypesenseLocation, typesense_location
from search.corrections import FILENAME, Correction
from search.duplicates import MIN_SHARED, THRESHOLD, keys, resemblance, sketch
from search.engine import LockError, has_index, index, remove_debris
from search.errors import (
    ArticleError,
    CorruptIndexError,
    IndexLockedError,
    IndexWriteError,
    SearchError,
)
from search.extract import extract
from search.extract.gazetteer import gazetteer
from search.folder import ArticleFile, FileProblem, discover, printable
from search.schema import (
    FACETS,
    build_schema,
    mark_schema,
    schema_is_current,
)
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
    ``workers`` processes read and extract while this one writes the index
    (default: one when there is a second core and the caller's script would not
    be re-run by it; 0 to do everything here). ``rebuild`` builds the index anew;
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
            stats = run(rebuild)
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
) -> IndexStats:
    stats = IndexStats()
    ix, searcher, indexed, stats.rebuilt = _open_or_create(index_dir, rebuild)
    files, stats.ignored, stats.warnings = discover(folder)
    spellings = place_spellings.SpellingMap(index_dir, fresh=not indexed)
    if only is not None and not stats.rebuilt:
        files = [file for file in files if file.id in only]
        indexed = {key: value for key, value in indexed.items() if key in only}
    corrections, unreadable = corrections_file.load(folder)
    stats.warnings += [FileProblem(printable(folder / FILENAME), line) for line in unreadable]
    groups = _Groups(searcher.reader())
    seen = {file.id for file in files}
    writer = None
    try:
        todo = _changed(files, indexed, corrections, max_bytes, stats)
        for item in _extracted(todo, extractor, max_bytes, workers, progress, stats):
            writer = writer or _writer(ix, index_dir, wait, notify)
            spellings.add(item.places)
            if item.article_id in indexed:
                writer.delete_by_term("id", item.article_id)
                stats.updated += 1
            else:
                stats.added += 1
            # add_document, not update_document: we know which ids are new, so the
            # per-document look-up of the old version is needed only for updates.
            writer.add_document(
                **item.fields,
                sketch=item.sketch,
                dupe_keys=" ".join(keys(item.sketch)),
                dupe_group=groups.assign(item.article_id, item.sketch),
            )
        for article_id in indexed.keys() - seen:
            writer = writer or _writer(ix, index_dir, wait, notify)
            writer.delete_by_term("id", article_id)
            stats.removed += 1
        if writer is not None:
            spellings.save()  # before the commit: a reader of the new commit needs it
            writer.commit(optimize=_merge_all(searcher.reader(), stats))
    except BaseException:
        if writer is not None:
            _abandon(ix, writer)
        raise
    finally:
        searcher.close()
    stats.documents = ix.doc_count()
    return stats


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
) -> list[_Todo]:
    """The files to (re-)index: read, and their version (content and corrections)
    unlike the one indexed; unchanged and unreadable ones are counted in ``stats``."""
    todo: list[_Todo] = []
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
            todo.append(_Todo(file, data, mine))
    return todo


def _extracted(
    todo: list[_Todo],
    extractor: Callable[[Article], Article],
    max_bytes: int,
    workers: int | None,
    progress: bool,
    stats: IndexStats,
) -> Iterator[_Prepared]:
    """Each file extracted and laid out (by worker processes when they pay), in order;
    the ones that fail are counted in ``stats``, as are their warnings."""
    prepare = functools.partial(_prepare, extractor=extractor, max_bytes=max_bytes)
    with _pool(len(todo), workers, extractor) as pool:
        prepared = pool.map(prepare, todo, chunksize=16) if pool else map(prepare, todo)
        for item in tqdm(
            prepared,
            total=len(todo),
            desc="indexing",
            unit="file",
            disable=not progress,
            file=sys.stderr,
        ):
            if item.problem is not None:
                stats.failed.append(FileProblem(item.path, item.problem))
                continue
            stats.warnings += [FileProblem(item.path, note) for note in item.notes]
            if item.encoding not in ("utf-8", "utf-8-sig"):
                stats.warnings.append(
                    FileProblem(item.path, f"not UTF-8: decoded as {item.encoding}")
                )
            yield item


#: Merge every segment into one when a commit would leave more than this many, or
#: when more than this share of the documents kept on disk are deleted ones.
MAX_SEGMENTS = 8
MAX_DELETED = 0.2


def _merge_all(reader: Any, stats: IndexStats) -> bool:
    """The merge policy: Whoosh merges only small segments at each commit, so runs
    that each add many articles pile up large ones (every query then searches each:
    ten segments made queries 2.8x slower than one) and updates leave deleted
    documents in them. Merging everything costs a rewrite, so it is done only
    when either grows past its limit, which bounds both."""
    segments = len(list(reader.leaf_readers()))
    deleted = reader.doc_count_all() - reader.doc_count() + stats.updated + stats.removed
    return segments + 1 > MAX_SEGMENTS or deleted > MAX_DELETED * max(reader.doc_count_all(), 1)


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


#: Fewer changed files than this are read here: starting a worker costs more.
_POOL_MIN = 64


@dataclass(frozen=True)
class _Todo:
    """A file to (re-)index: where it is, its bytes, the corrections that apply to it."""

    file: ArticleFile
    data: bytes
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class _Prepared:
    """A file read and extracted, ready to write; or the reason it cannot be."""

    path: str
    article_id: str
    fields: dict[str, Any]
    sketch: tuple[int, ...] = ()
    encoding: str = "utf-8"
    problem: str | None = None
    notes: tuple[str, ...] = ()  # corrections not applied, and why
    places: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # for the spelling map


def _prepare(todo: _Todo, *, extractor: Callable[[Article], Article], max_bytes: int) -> _Prepared:
    """Read, extract, correct and lay out one article (in a worker process, or here)."""
    file = todo.file
    path = printable(file.path)
    try:
        read = read_article(file.path, article_id=file.id, data=todo.data, max_bytes=max_bytes)
        article, notes = corrections_file.correct(read, extractor, todo.corrections)
    except ArticleError as error:
        return _Prepared(path, file.id, {}, problem=error.reason)
    except Exception as error:  # a parser bug must not cost the rest of the folder
        return _Prepared(path, file.id, {}, problem=f"could not be parsed ({error!r})")
    # The text is analysed where the index is written (Whoosh's add_document), not
    # here: with extraction in this worker, moving analysis here made the worker the
    # slow side (BBC, quiet machine: 0.48x plain Whoosh with it there, 0.37x here).
    fields = document(article)
    # The version recorded includes the corrections, so changing one re-indexes the file.
    fields["content_hash"] = corrections_file.version(article.content_hash, todo.corrections)
    return _Prepared(
        path,
        file.id,
        fields,
        sketch(article.body),
        article.encoding,
        notes=tuple(notes),
        places=place_spellings.keys_of(article.locations),
    )


@contextmanager
def _pool(
    jobs: int, workers: int | None, extractor: Callable[[Article], Article]
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for reading and extraction, when they will pay for themselves.

    Whoosh writes in this process; on two cores a worker extracting alongside it
    takes most of extraction off the clock. forkserver, not fork: this process
    may have threads (a web server, a progress bar). By default no worker is
    started when it would re-run the caller's script (see :func:`_reruns_caller`);
    a caller passing ``workers`` says its script is guarded."""
    if workers is None:
        workers = 1 if (os.cpu_count() or 1) > 1 and not _reruns_caller() else 0
    if workers < 1 or jobs < _POOL_MIN or not _picklable(extractor):
        yield None
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_follow_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        # On Ctrl-C or an error, drop the queued files rather than extract them all.
        pool.shutdown(wait=True, cancel_futures=True)


def _reruns_caller() -> bool:
    """Would a worker process run the caller's ``__main__`` again?

    forkserver and spawn workers re-import a script run as a file, or a module
    run with ``-m`` unless it is a package's ``__main__``; a script without an
    ``if __name__ == "__main__":`` guard would then index again inside the
    worker, and the pool would break. A REPL or a notebook has no file to re-run,
    and ``python -m search`` is a package's ``__main__``."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return not name.endswith("__main__")
    return getattr(main, "__file__", None) is not None


def _follow_parent(parent: int) -> None:
    """In a worker: exit when the indexer is gone (``kill -9`` gives it no chance to
    stop its workers, which would otherwise wait for work for ever)."""

    def watch() -> None:
        first = os.getppid()
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            if os.getppid() != first:  # our parent, the forkserver, has gone with it
                os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # lambdas and closures stay in this process
        return False
    return True


class _Groups:
    """Puts each new article in a group of near-duplicates: with an article already
    indexed, or one added earlier in this run, that it resembles; else in its own."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.this_run: dict[str, list[tuple[str, tuple[int, ...], str]]] = defaultdict(list)

    def assign(self, article_id: str, values: tuple[int, ...]) -> str:
        terms = keys(values)
        candidates: dict[str, tuple[tuple[int, ...], str]] = {}
        shared: Counter[str] = Counter()
        for term in terms:
            if ("dupe_keys", term) in self.reader:
                for docnum in self.reader.postings("dupe_keys", term).all_ids():
                    shared[f"#{docnum}"] += 1
            for other_id, other_values, group in self.this_run[term]:
                shared[other_id] += 1
                candidates[other_id] = (other_values, group)
        best: tuple[float, str] | None = None
        for key, count in shared.items():
            if count < MIN_SHARED:
                continue
            if key.startswith("#"):
                stored = self.reader.stored_fields(int(key[1:]))
                if stored.get("id") == article_id:
                    continue  # its own previous version
                other = (
                    tuple(stored.get("sketch") or ()),
                    stored.get("dupe_group") or stored["id"],
                )
            else:
                other = candidates[key]
            score = resemblance(values, other[0])
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, other[1])
        group = best[1] if best else article_id
        for term in terms:
            self.this_run[term].append((article_id, values, group))
        return group


def document(article: Article) -> dict[str, Any]:
    """The index fields for one article."""
    fields: dict[str, Any] = {
        "id": article.id,
        "content_hash": article.content_hash,
        "headline": article.headline,
        "body": article.body,
        "quotes": "\n".join(q.text for q in article.quotes),
        "speaker": "\n".join(article.speakers),
        "locations": place_spellings.location_text(article.locations),
        "place": ",".join(p.replace(",", " ") for p in _places_with_parents(article)),
        "country": ",".join(dict.fromkeys(p.country for p in article.locations if p.country)),
        "outlet": article.outlet or "",
        "author": article.author or "",
        "article": json.dumps(article.to_dict(), ensure_ascii=False),
    }
    date = _parse_date(article.date)
    if date is not None:
        fields["date"] = date
    facets = {
        "country": _countries(article),
        "speaker": article.speakers,
        "outlet": [article.outlet] if article.outlet else [],
        "year": [str(date.year)] if date is not None else [],
    }
    for name, values in facets.items():
        fields[FACETS[name]] = ",".join(v.replace(",", " ") for v in values)
    return fields


def _countries(article: Article) -> list[str]:
    names = (gazetteer().country(p.country) for p in article.locations if p.country)
    return list(dict.fromkeys(c.name for c in names if c is not None))


def _places_with_parents(article: Article) -> list[str]:
    """Canonical names of the article's places and of the countries that hold them,
    so that ``place:ukraine`` also finds an article that names only Kyiv."""
    names = [p.canonical for p in article.locations]
    for place in article.locations:
        country = gazetteer().country(place.country)
        if country is not None:
            names.append(country.name)
    return list(dict.fromkeys(names))


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _open_or_create(index_dir: Path, rebuild: bool) -> tuple[Any, Any, dict[str, str], str | None]:
    """(index, a searcher on its last commit, id -> content hash of what it holds,
    why it was built anew or None).

    Every stored field is read here, so a damaged segment shows before any
    writing; an index that cannot be opened or read at all is built anew (it is
    derived from the folder, so nothing is lost)."""
    why = "rebuilt as asked" if rebuild else None
    if has_index(index_dir) and not rebuild:
        try:
            ix = index.open_dir(str(index_dir))
            if schema_is_current(index_dir):
                searcher = ix.searcher()
                try:
                    hashes = {f["id"]: f["content_hash"] for f in searcher.all_stored_fields()}
                except BaseException:
                    searcher.close()
                    raise
                return ix, searcher, hashes, None
            why = "the index was built by an older version: rebuilt"
        except OSError as error:
            if error.errno in _READ_ONLY:
                raise
            why = f"the index was damaged ({error!r}): rebuilt from the folder"
        except Exception as error:  # a garbage TOC raises anything from struct to pickle
            why = f"the index was damaged ({error!r}): rebuilt from the folder"
    index_dir.mkdir(parents=True, exist_ok=True)
    created = index.create_in(str(index_dir), build_schema())
    remove_debris(created)  # segments of the damaged or older index
    mark_schema(index_dir)
    return created, created.searcher(), {}, why


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
