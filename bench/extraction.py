"""Extraction quality on the labelled data in ../shared/eval, in one table.

- HTML body: ../shared/eval/html (trafilatura's dev evaluation set). Scored as
  trafilatura's own evaluation does: a "with" segment found in the extracted
  body is a true positive (missing: a false negative); a "without" segment
  found is a false positive.
- Quotes, speakers and places: ../shared/eval/news/dev.jsonl (hand-labelled BBC
  articles). A quote is found when its text matches exactly after folding
  curly/straight marks and white space; a speaker is right when it equals the
  gold speaker or ends with the same surname; places match by name, case-folded,
  and the country is checked on matched places.
- Speed: docs/s of read + extract over the BBC corpus.

Usage: python bench/extraction.py [--errors]   (--errors lists what was missed)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, SHARED, require, table
from search.articles import read_article
from search.extract import extract


def fold_ws(text: str) -> str:
    return " ".join(text.split())


def fold_quote(text: str) -> str:
    text = re.sub(r"[“”„‟]", '"', text)
    text = re.sub(r"[‘’‚‛]", "'", text)
    return fold_ws(text).strip()


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def html_scores(errors: bool) -> tuple[float, float, float, int]:
    folder = require(SHARED / "eval" / "html", "the HTML evaluation set")
    gold = json.loads((folder / "evaldata-dev.json").read_text())
    tp = fp = fn = 0
    for entry in gold.values():
        path = folder / "pages" / entry["file"]
        try:
            body = fold_ws(extract(read_article(path)).body)
        except Exception as error:
            body = ""
            if errors:
                print(f"html {entry['file']}: failed: {error}")
        for segment in entry.get("with", []):
            if fold_ws(segment) in body:
                tp += 1
            else:
                fn += 1
                if errors:
                    print(f"html missed   {entry['file']}: {segment[:80]!r}")
        for segment in entry.get("without", []):
            if fold_ws(segment) in body:
                fp += 1
                if errors:
                    print(f"html kept     {entry['file']}: {segment[:80]!r}")
    return (*prf(tp, fp, fn), len(gold))


def news_scores(errors: bool) -> dict[str, float]:
    gold_path = require(SHARED / "eval" / "news" / "dev.jsonl", "the labelled news set")
    q_tp = q_fp = q_fn = 0
    speaker_right = speaker_total = 0
    p_tp = p_fp = p_fn = 0
    country_right = country_total = 0
    for line in gold_path.read_text().splitlines():
        gold = json.loads(line)
        article = extract(read_article(BBC / gold["file"]))
        found = {fold_quote(q.text): q for q in article.quotes}
        wanted = {fold_quote(q["text"]): q for q in gold["quotes"]}
        for text, quote in wanted.items():
            if text in found:
                q_tp += 1
                speaker_total += 1
                if _same_speaker(found[text].speaker, quote["speaker"]):
                    speaker_right += 1
                elif errors:
                    print(
                        f"speaker {gold['file']}: {found[text].speaker!r} for "
                        f"{quote['speaker']!r}: {text[:50]!r}"
                    )
            else:
                q_fn += 1
                if errors:
                    print(f"quote missed  {gold['file']}: {text[:90]!r}")
        for text in found.keys() - wanted.keys():
            q_fp += 1
            if errors:
                print(f"quote extra   {gold['file']}: {text[:90]!r}")
        places = {p.name.casefold(): p for p in article.locations}
        gold_places = {p["name"].casefold(): p for p in gold["places"]}
        for name, place in gold_places.items():
            if name in places:
                p_tp += 1
                if place.get("country"):
                    country_total += 1
                    if places[name].country == place["country"]:
                        country_right += 1
                    elif errors:
                        print(
                            f"country {gold['file']}: {name} {places[name].country} "
                            f"for {place['country']}"
                        )
            else:
                p_fn += 1
                if errors:
                    print(f"place missed  {gold['file']}: {place['name']} ({place['type']})")
        for name in places.keys() - gold_places.keys():
            p_fp += 1
            if errors:
                print(
                    f"place extra   {gold['file']}: {places[name].name} "
                    f"({places[name].kind}, {places[name].country})"
                )
    qp, qr, qf = prf(q_tp, q_fp, q_fn)
    pp, pr, pf = prf(p_tp, p_fp, p_fn)
    return {
        "quote P": qp,
        "quote R": qr,
        "quote F1": qf,
        "speaker acc": speaker_right / speaker_total if speaker_total else 0.0,
        "place P": pp,
        "place R": pr,
        "place F1": pf,
        "country acc": country_right / country_total if country_total else 0.0,
    }


def _same_speaker(found: str | None, gold: str | None) -> bool:
    if gold is None:
        return found is None
    if found is None:
        return False
    found_fold, gold_fold = found.casefold().strip(), gold.casefold().strip()
    return found_fold == gold_fold or found_fold.split()[-1] == gold_fold.split()[-1]


def speed() -> tuple[float, float]:
    files = sorted(
        p
        for p in require(BBC, "the BBC corpus").rglob("*.txt")
        if not p.name.lower().startswith("readme")
    )
    extract(read_article(files[0]))  # build the gazetteer outside the timing
    started = time.perf_counter()
    articles = [read_article(p) for p in files]
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for article in articles:
        extract(article)
    extract_seconds = time.perf_counter() - started
    return len(files) / (read_seconds + extract_seconds), len(files) / extract_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    hp, hr, hf, pages = html_scores(args.errors)
    news = news_scores(args.errors)
    read_extract_rate, extract_rate = speed()
    rows = [
        ["HTML body precision", hp, ">= 0.90"],
        ["HTML body recall", hr, ""],
        ["HTML body F1", hf, ">= 0.92"],
        ["quote precision", news["quote P"], ""],
        ["quote recall", news["quote R"], ""],
        ["quote F1", news["quote F1"], ">= 0.95"],
        ["speaker accuracy (found quotes)", news["speaker acc"], ">= 0.90"],
        ["place precision", news["place P"], ""],
        ["place recall", news["place R"], ""],
        ["place F1", news["place F1"], ">= 0.90"],
        ["country accuracy (found places)", news["country acc"], ">= 0.95"],
        ["docs/s, read + extract (BBC)", read_extract_rate, ""],
        ["docs/s, extract only (BBC)", extract_rate, ""],
    ]
    print(f"Extraction on ../shared/eval ({pages} HTML pages, 30 labelled BBC articles)\n")
    print(table(["measure", "value", "target"], rows))


if __name__ == "__main__":
    main()
