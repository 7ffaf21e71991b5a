"""Indexing speed on the BBC corpus: our indexer against a plain Whoosh script, same run.

The plain script is what people write first: read each file, first line the
headline, StemmingAnalyzer on headline and body, one commit. Ours also decodes
any encoding, removes boilerplate, finds quotes and places, and stores the
extracted article. Each is timed into a fresh index; runs alternate so both
see the same machine load, and the best of N is kept for each.

Extraction's cost is reported as CPU, not as the difference of two wall times:
with worker processes it runs beside the rest, so the wall-time difference says
little about what it costs, and shrank or grew with everything else.

Usage: python bench/index_speed.py [CORPUS_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, require, table
from search import Article, build_index, extract, read_article
from search.engine import analysis, fields, index


def plain_whoosh(corpus: Path, index_dir: Path) -> int:
    schema = fields.Schema(
        path=fields.ID(stored=True, unique=True),
        headline=fields.TEXT(analyzer=analysis.StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=analysis.StemmingAnalyzer(), stored=True),
    )
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    count = 0
    for path in sorted(corpus.rglob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        headline, _, body = text.partition("\n")
        writer.add_document(path=str(path), headline=headline.strip(), body=body.strip())
        count += 1
    writer.commit()
    return count


#: This script is guarded by ``if __name__ == "__main__"``, so it may start the worker
#: process that build_index leaves out for unguarded scripts.
WORKERS = min(os.cpu_count() or 1, 4) if (os.cpu_count() or 1) > 1 else 0


def ours(corpus: Path, index_dir: Path) -> int:
    return build_index(corpus, index_dir, workers=WORKERS).added


def as_read(article: Article) -> Article:
    """No extraction: the article as the reader made it (module-level, so a worker
    process can run it just as it runs the real extractor)."""
    return article


def ours_without_extraction(corpus: Path, index_dir: Path) -> int:
    """Read and index, but skip boilerplate, quotes and places: the cost of extraction."""
    return build_index(corpus, index_dir, extractor=as_read, workers=WORKERS).added


def extraction_cpu(corpus: Path) -> tuple[float, int]:
    """CPU seconds extraction alone takes over the corpus's articles, read beforehand."""
    articles = [
        read_article(p) for p in sorted(corpus.rglob("*.txt")) if "readme" not in p.name.lower()
    ]
    extract(articles[0])  # the gazetteer loads once per process, as in each worker
    started = time.process_time()
    for article in articles:
        extract(article)
    return time.process_time() - started, len(articles)


def indexing_cpu(corpus: Path) -> float:
    """CPU seconds of a build in this one process (worker processes' CPU is not
    counted by getrusage: they are the forkserver's children, not ours)."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.process_time()
        build_index(corpus, Path(tmp), workers=0)
        return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(BBC))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    corpus = require(Path(args.corpus), "the BBC corpus")
    runners = {
        "plain Whoosh (StemmingAnalyzer)": plain_whoosh,
        "news-search, no extraction": ours_without_extraction,
        "news-search": ours,
    }
    best: dict[str, tuple[float, int]] = {}
    for _ in range(args.repeat):
        for name, run in runners.items():
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                docs = run(corpus, Path(tmp))
                seconds = time.perf_counter() - started
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, docs)
    base_rate = (
        best["plain Whoosh (StemmingAnalyzer)"][1] / best["plain Whoosh (StemmingAnalyzer)"][0]
    )
    rows = []
    for name, (seconds, docs) in best.items():
        rate = docs / seconds
        rows.append([name, docs, seconds, rate, rate / base_rate])
    print(f"Indexing {corpus} (best of {args.repeat}, fresh index each run)\n")
    print(table(["indexer", "docs", "seconds", "docs/s", "speed vs plain"], rows))
    alone, count = extraction_cpu(corpus)
    total = indexing_cpu(corpus)
    print(
        f"\nExtraction alone: {alone:.1f} CPU s for {count} articles "
        f"({alone / count * 1000:.1f} ms each), of {total:.1f} CPU s for a build in one "
        f"process: it adds {alone / (total - alone):.0%} to the rest (target: at most 30%)."
    )


if __name__ == "__main__":
    main()
