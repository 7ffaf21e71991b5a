"""Acceptance checks for search on the BBC corpus plus the seed article.

1. Every BBC headline and every first sentence, searched over HTTP (the JSON API),
   is never a 500 (and so never raises in ``Index.search``).
2. Honest counts: "Glazer Manchester United" reports at most twice the articles
   holding all three words; for 3-word queries drawn from headlines, when at least
   10 articles hold all three words, the first page holds only such articles.

Usage: python bench/acceptance.py [CORPUS_DIR] [--index DIR]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.common import BBC, ROOT, require
from search import build_index, open_index
from search.schema import text_analyzer
from search.web import make_app


def stems(text: str) -> set[str]:
    return {token.text for token in text_analyzer()(text)}


def corpus_queries(corpus: Path) -> list[str]:
    queries = []
    for path in sorted(corpus.rglob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        lines = [ln for ln in path.read_bytes().decode("utf-8", "replace").splitlines() if ln]
        if len(lines) >= 2:
            queries.append(lines[0])
            queries.append(re.split(r"(?<=[.!?])\s", lines[1], maxsplit=1)[0])
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(BBC))
    parser.add_argument("--index", help="keep the folder and index here (reused next run)")
    args = parser.parse_args()
    corpus = require(Path(args.corpus), "the BBC corpus")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.index) if args.index else Path(scratch)
        folder = work / "articles"
        if not folder.exists():
            shutil.copytree(corpus, folder / "bbc")
            shutil.copytree(ROOT / "seeds", folder / "seeds")
        print(build_index(folder, work / "index").summary())
        with open_index(work / "index") as ix:
            texts = {}
            for path in folder.rglob("*.txt"):
                if not path.name.lower().startswith("readme"):
                    texts[path.relative_to(folder).as_posix()] = stems(
                        path.read_bytes().decode("utf-8", "replace")
                    )

            # 1. No query is a 500.
            queries = corpus_queries(corpus)
            statuses: Counter[int] = Counter()
            failures = []
            slowest = 0.0
            transport = httpx.WSGITransport(app=make_app(ix), raise_app_exceptions=False)
            with httpx.Client(transport=transport, base_url="http://bench") as http:
                for text in queries:
                    started = time.perf_counter()
                    status = http.get("/api/search", params={"q": text}).status_code
                    slowest = max(slowest, time.perf_counter() - started)
                    statuses[status] += 1
                    if status >= 500:
                        failures.append(text)
            print(f"\n{len(queries)} BBC headlines and first sentences over HTTP: {dict(statuses)}")
            print(f"slowest {slowest * 1000:.0f} ms; 500s: {failures[:10]}")

            # 2. Honest counts.
            glazer = ix.search("Glazer Manchester United")
            holding = sum(
                1 for words in texts.values() if stems("Glazer Manchester United") <= words
            )
            verdict = "ok" if glazer.total <= 2 * holding else "FAIL"
            print(
                f"\n'Glazer Manchester United': total {glazer.total}, articles holding all three "
                f"words {holding}, more with some {glazer.more_total}: {verdict}"
            )
            rng = random.Random(9)
            checked = passed = 0
            headlines = [q for q in queries[::2] if len(re.findall(r"[A-Za-z]{4,}", q)) >= 3]
            for headline in rng.sample(headlines, 200):
                words = rng.sample(re.findall(r"[A-Za-z]{4,}", headline), 3)
                query = " ".join(words)
                wanted = stems(query)
                if len(wanted) < 3:
                    continue
                with_all = {doc for doc, held in texts.items() if wanted <= held}
                if len(with_all) < 10:
                    continue
                checked += 1
                results = ix.search(query)
                ids = {hit.id for hit in results.hits}
                # A near-duplicate shows once, under its first copy ("+1 similar").
                passed += ids <= with_all and len(ids) == min(10, results.total)
            print(
                f"3-word queries with 10+ all-word articles: {passed}/{checked} first pages "
                "hold only all-word articles (partial matches come after, apart)"
            )


if __name__ == "__main__":
    main()
