"""Query latency on the BBC corpus: our API (snippets, facets, place expansion,
spelling help) against a plain Whoosh script doing the same searches with
highlights, in the same run; then the same queries again, from our cache.

Queries are 300 distinct one-to-three-word queries drawn (with a fixed seed)
from the corpus's own headlines, so most find something and some find little.

Usage: python bench/query_speed.py [CORPUS_DIR] [--queries N]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, require, table
from bench.index_speed import plain_whoosh
from search import build_index, open_index
from search.engine import index, qparser


def make_queries(corpus: Path, count: int) -> list[str]:
    words = []
    for path in sorted(corpus.rglob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        headline = path.read_bytes().decode("utf-8", "replace").split("\n", 1)[0]
        words.append([w.lower() for w in re.findall(r"[A-Za-z]{4,}", headline)])
    rng = random.Random(2005)
    queries: dict[str, None] = {}
    while len(queries) < count:
        headline = rng.choice([w for w in words if w])
        size = min(len(headline), rng.choice((1, 1, 2, 2, 3)))
        queries[" ".join(rng.sample(headline, size))] = None
    return list(queries)


def timed(run, queries: list[str]) -> list[float]:
    times = []
    for text in queries:
        started = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(BBC))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    corpus = require(Path(args.corpus), "the BBC corpus")
    queries = make_queries(corpus, args.queries)
    with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as plain_dir:
        build_index(corpus, ours_dir)
        plain_whoosh(corpus, Path(plain_dir))
        plain_ix = index.open_dir(plain_dir)
        plain_parser = qparser.MultifieldParser(["headline", "body"], plain_ix.schema)
        with plain_ix.searcher() as searcher, open_index(ours_dir) as ours:

            def plain(text: str) -> None:
                results = searcher.search(plain_parser.parse(text), limit=10)
                for hit in results:
                    hit.highlights("body") or hit.highlights("headline")

            def api(text: str) -> None:
                ours.search(text)

            plain("warm up")
            api("warm up")
            rows = []
            plain_times = timed(plain, queries)
            first_times = timed(api, queries)
            cached_times = timed(api, queries)
    base_median, base_p95 = statistics.median(plain_times), p95(plain_times)
    for name, times in (
        ("plain Whoosh, search + highlights", plain_times),
        ("news-search API, first time", first_times),
        ("news-search API, repeated (cache)", cached_times),
    ):
        rows.append(
            [
                name,
                statistics.median(times),
                p95(times),
                statistics.median(times) / base_median,
                p95(times) / base_p95,
            ]
        )
    print(f"{len(queries)} queries over {corpus}, 10 hits a page, in ms\n")
    print(table(["run", "median", "p95", "median vs plain", "p95 vs plain"], rows))
    speedup = p95(first_times) / p95(cached_times)
    print(f"\nRepeated queries: p95 {speedup:.0f}x faster from the cache (target: at least 10x).")
    print(f"Our p95 is {p95(first_times) / base_p95:.2f}x plain Whoosh's (target: at most 1.5x).")


if __name__ == "__main__":
    main()
