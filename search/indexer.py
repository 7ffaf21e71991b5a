"""Incremental indexing: discover files, parse and extract them, write the index.

A file is identified by its path relative to the folder, and re-indexed only
when its content hash changes; files gone from the folder are removed from
the index. All changes go into one commit at the end, so a crash or Ctrl-C
mid-run leaves the previous index as it was, and every file that cannot be
read is reported with its reason and skipped while the rest is indexed.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import pickle
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from search.articles import Article, content_hash, read_article
from search.duplicates import MIN_SHARED, THRESHOLD, keys, resemblance, sketch
from search.engine import EmptyIndexError, LockError, index
from search.errors import ArticleError, IndexLockedError, SearchError
from search.extract import extract
from search.extract.gazetteer import gazetteer
from search.schema import FACETS, build_schema, mark_schema, schema_is_current
from search.textfiles import DEFAULT_MAX_BYTES, read_bytes

#: Files in an article folder that describe the folder rather than hold an article.
_NOT_ARTICLES = ("readme", "license", "licence", "copying", "changelog")


@dataclass(frozen=True)
class FileProblem:
    path: str
    reason: str


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

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed "
            f"({self.documents} article{'' if self.documents == 1 else 's'} in the index) "
            f"in {self.seconds:.1f} s"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def discover(folder: Path) -> tuple[list[Path], list[FileProblem]]:
    """Article files below ``folder`` in a stable order, and the files passed over."""
    files: list[Path] = []
    ignored: list[FileProblem] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.name.lower().startswith(_NOT_ARTICLES):
            ignored.append(FileProblem(str(path), "describes the folder, not an article"))
            continue
        files.append(path)
    return files, ignored


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
) -> IndexStats:
    """Bring the index at ``index_dir`` in line with the articles in ``seeds_dir``.

    ``wait`` is how long to wait for another indexer's write lock before
    giving up with :class:`IndexLockedError`; ``notify`` receives a line when
    the run has to wait. ``extractor`` turns a freshly read article into the
    one indexed (boilerplate, quotes, places); pass your own to change that.
    ``workers`` processes read and extract while this one writes the index
    (default: one when there is a second core; 0 to do everything here).
    """
    started = time.perf_counter()
    folder = Path(seeds_dir)
    if not folder.is_dir():
        raise SearchError(f"No folder of articles at {folder}: give the folder to index")
    ix = _open_or_create(Path(index_dir))
    stats = IndexStats()
    files, stats.ignored = discover(folder)
    searcher = ix.searcher()  # the committed index, for hashes and near-duplicates
    indexed = {f["id"]: f["content_hash"] for f in searcher.reader().all_stored_fields()}
    groups = _Groups(searcher.reader())
    seen: set[str] = set()
    todo: list[tuple[Path, str, bytes]] = []
    writer = None
    try:
        for path in files:
            article_id = path.relative_to(folder).as_posix()
            seen.add(article_id)
            try:
                data = read_bytes(path, max_bytes)
            except ArticleError as error:
                stats.failed.append(FileProblem(str(path), error.reason))
                continue
            if indexed.get(article_id) == content_hash(data):
                stats.unchanged += 1
            else:
                todo.append((path, article_id, data))
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
                if item.encoding not in ("utf-8", "utf-8-sig"):
                    stats.warnings.append(
                        FileProblem(item.path, f"not UTF-8: decoded as {item.encoding}")
                    )
                writer = writer or _writer(ix, Path(index_dir), wait, notify)
                writer.update_document(
                    **item.fields,
                    sketch=item.sketch,
                    dupe_keys=" ".join(keys(item.sketch)),
                    dupe_group=groups.assign(item.article_id, item.sketch),
                )
                if item.article_id in indexed:
                    stats.updated += 1
                else:
                    stats.added += 1
        for article_id in indexed.keys() - seen:
            writer = writer or _writer(ix, Path(index_dir), wait, notify)
            writer.delete_by_term("id", article_id)
            stats.removed += 1
        if writer is not None:
            writer.commit()
    except BaseException:
        if writer is not None:
            writer.cancel()  # leaves the previous generation readable, and releases the lock
        raise
    finally:
        searcher.close()
    stats.documents = ix.doc_count()
    stats.seconds = time.perf_counter() - started
    return stats


#: Fewer changed files than this are read here: starting a worker costs more.
_POOL_MIN = 64


@dataclass(frozen=True)
class _Prepared:
    """A file read and extracted, ready to write; or the reason it cannot be."""

    path: str
    article_id: str
    fields: dict[str, Any]
    sketch: tuple[int, ...] = ()
    encoding: str = "utf-8"
    problem: str | None = None


def _prepare(
    item: tuple[Path, str, bytes], *, extractor: Callable[[Article], Article], max_bytes: int
) -> _Prepared:
    """Read, extract and lay out one article (in a worker process, or here)."""
    path, article_id, data = item
    try:
        article = extractor(
            read_article(path, article_id=article_id, data=data, max_bytes=max_bytes)
        )
    except ArticleError as error:
        return _Prepared(str(path), article_id, {}, problem=error.reason)
    except Exception as error:  # a parser bug must not cost the rest of the folder
        return _Prepared(str(path), article_id, {}, problem=f"could not be parsed ({error!r})")
    return _Prepared(
        str(path), article_id, document(article), sketch(article.body), article.encoding
    )


@contextmanager
def _pool(
    jobs: int, workers: int | None, extractor: Callable[[Article], Article]
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for reading and extraction, when they will pay for themselves.

    Whoosh writes in this process; on two cores a worker extracting alongside it
    takes most of extraction off the clock. forkserver, not fork: this process
    may have threads (a web server, a progress bar)."""
    count = (1 if (os.cpu_count() or 1) > 1 else 0) if workers is None else workers
    if count < 1 or jobs < _POOL_MIN or not _picklable(extractor):
        yield None
        return
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("forkserver"))
    try:
        yield pool
    finally:
        # On Ctrl-C or an error, drop the queued files rather than extract them all.
        pool.shutdown(wait=True, cancel_futures=True)


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
    names: list[str] = []
    for place in article.locations:
        names += [place.name, place.canonical, *place.alternate_names]
    fields: dict[str, Any] = {
        "id": article.id,
        "content_hash": article.content_hash,
        "headline": article.headline,
        "body": article.body,
        "quotes": "\n".join(q.text for q in article.quotes),
        "speaker": "\n".join(article.speakers),
        "locations": "\n".join(dict.fromkeys(names)),
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


def _open_or_create(index_dir: Path) -> Any:
    schema = build_schema()
    if index.exists_in(str(index_dir)):
        try:
            ix = index.open_dir(str(index_dir))
        except (EmptyIndexError, OSError, EOFError, ValueError) as error:
            raise SearchError(
                f"The index at {index_dir} cannot be opened ({error}): delete it to rebuild"
            ) from error
        if schema_is_current(index_dir):
            return ix
        # An index from an older schema: rebuild rather than misread it.
    index_dir.mkdir(parents=True, exist_ok=True)
    created = index.create_in(str(index_dir), schema)
    mark_schema(index_dir)
    return created


def _writer(ix: Any, index_dir: Path, wait: float, notify: Callable[[str], None] | None) -> Any:
    try:
        return ix.writer(limitmb=128)
    except LockError:
        if notify is not None:
            notify(f"Another indexer is writing to {index_dir}; waiting up to {wait:.0f} s for it")
    try:
        return ix.writer(limitmb=128, timeout=wait, delay=0.25)
    except LockError as error:
        raise IndexLockedError(str(index_dir), wait) from error
