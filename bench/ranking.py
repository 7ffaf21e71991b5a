"""Ranking quality on BEIR SciFact: nDCG@10 and recall@100 for our default search
and for a plain Whoosh BM25F OR query over headline and body, on the same index,
in the same run.

The corpus is written out as one text file per abstract (title, blank line,
text) and indexed with ``build_index``, as a user's folder would be. The 809
training claims are split deterministically by a hash of their id: about two
thirds to tune on ("tune") and a third never looked at while tuning
("held-out"); both are reported, and all of them together. Test queries, if
the eval folder ever holds them (``queries-test.jsonl`` + ``qrels-test.tsv``),
are reported as well.

Our ranking is what a reader sees on a page of 100: the articles the query
matches, then "more results with some of the words". It also checks that no
claim raises: every query goes through ``Index.search``.

Usage: python bench/ranking.py [--index DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, require, table
from search import build_index, open_index
from search.engine import index, qparser

SCIFACT = SHARED / "eval" / "ranking" / "scifact"
DEPTH = 100


def read_queries(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as lines:
        return {row["_id"]: row["text"] for row in map(json.loads, lines)}


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            query_id, doc_id, score = line.split()
            qrels[query_id][doc_id] = int(score)
    return qrels


def split(query_id: str) -> str:
    """A fixed two-to-one split of the training claims: "tune" or "held-out"."""
    return "held-out" if zlib.crc32(query_id.encode()) % 3 == 0 else "tune"


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gain = sum(
        (2 ** relevant.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k])
    )
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**rel - 1) / math.log2(rank + 2) for rank, rel in enumerate(ideal))
    return gain / best if best else 0.0


def recall(ranked: list[str], relevant: dict[str, int], k: int = DEPTH) -> float:
    found = {doc for doc in ranked[:k] if relevant.get(doc, 0) > 0}
    wanted = {doc for doc, rel in relevant.items() if rel > 0}
    return len(found) / len(wanted) if wanted else 0.0


def write_corpus(folder: Path) -> int:
    """One file per abstract, named by its id, unless the folder already holds them."""
    count = 0
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as lines:
        for row in map(json.loads, lines):
            path = folder / f"{row['_id']}.txt"
            text = f"{row['title'].strip()}\n\n{row['text'].strip()}\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            count += 1
    return count


def doc_id(article_id: str) -> str:
    return article_id.rsplit("/", 1)[-1].removesuffix(".txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="keep the corpus and index here (reused next run)")
    parser.add_argument("--limit", type=int, help="only the first N training claims")
    args = parser.parse_args()
    require(SCIFACT / "corpus.jsonl", "the SciFact ranking set")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.index) if args.index else Path(scratch)
        corpus, index_dir = work / "corpus", work / "index"
        corpus.mkdir(parents=True, exist_ok=True)
        write_corpus(corpus)
        stats = build_index(corpus, index_dir)
        print(stats.summary())
        sets = {"train": (SCIFACT / "queries-train.jsonl", SCIFACT / "qrels-train.tsv")}
        if (SCIFACT / "queries-test.jsonl").exists():
            sets["test"] = (SCIFACT / "queries-test.jsonl", SCIFACT / "qrels-test.tsv")
        rows = []
        failures: list[str] = []
        with open_index(index_dir) as ours:
            plain_ix = index.open_dir(str(index_dir))
            plain_parser = qparser.MultifieldParser(
                ["headline", "body"], plain_ix.schema, group=qparser.OrGroup
            )
            with plain_ix.searcher() as plain:
                for name, (queries_path, qrels_path) in sets.items():
                    queries = read_queries(queries_path)
                    qrels = read_qrels(qrels_path)
                    judged = [q for q in queries if q in qrels][: args.limit]
                    scores: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
                    times: dict[str, float] = defaultdict(float)
                    for query_id in judged:
                        text = queries[query_id]
                        groups = [name] if name != "train" else ["train", split(query_id)]
                        started = time.perf_counter()
                        try:
                            results = ours.search(text, page_size=DEPTH)
                            shown = results.hits + results.more_hits
                            ranked_ours = [doc_id(hit.id) for hit in shown]
                        except Exception as error:  # counted and reported below
                            failures.append(f"{query_id}: {text!r}: {error!r}")
                            ranked_ours = []
                        times["ours"] += time.perf_counter() - started
                        started = time.perf_counter()
                        try:
                            hits = plain.search(plain_parser.parse(text), limit=DEPTH)
                            ranked_plain = [doc_id(hit["id"]) for hit in hits]
                        except IndexError:  # Whoosh's skip_to_quality bug: nothing found
                            ranked_plain = []
                        times["plain"] += time.perf_counter() - started
                        for group in groups:
                            for system, ranked in (("ours", ranked_ours), ("plain", ranked_plain)):
                                scores[(group, system)].append(
                                    (ndcg(ranked, qrels[query_id]), recall(ranked, qrels[query_id]))
                                )
                    for (group, system), values in sorted(scores.items()):
                        label = "news-search" if system == "ours" else "plain Whoosh BM25F OR"
                        rows.append(
                            [
                                group,
                                len(values),
                                label,
                                sum(v[0] for v in values) / len(values),
                                sum(v[1] for v in values) / len(values),
                                1000 * times[system] / len(judged),
                            ]
                        )
    print(table(["queries", "n", "search", "nDCG@10", "recall@100", "ms/query"], rows))
    print(f"\n{len(failures)} queries raised in Index.search")
    for failure in failures[:20]:
        print("  " + failure)


if __name__ == "__main__":
    main()
