"""Quote check accuracy and speed: real quotes, deterministically perturbed.

Quotes of eight words or more are drawn (fixed seed) from the BBC corpus and the
Ukraine war set, both indexed together in a temporary index. Each is perturbed
one way at a time, as quotes are misremembered in the wild:

- ``case+punct``: lower case, punctuation dropped, straight quote marks;
- ``swap``: two neighbouring words swapped;
- ``drop``: one word left out;
- ``number``: a number changed (quotes holding one);
- ``negation``: a "not"/"n't"/"never" removed (quotes holding one);
- ``half``: only the first half of the words.

A check is right when its first match is the quote (the same words; a
syndicated copy of it counts). For number and negation changes the first match
must also carry the matching flag. Latency is the time of ``check_quote``, on
the same index or on ``--index DIR`` (for example BBC ×10 from bench/scale.py
``--keep``).

Usage: python bench/quote_check.py [--quotes N] [--index DIR]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, SHARED, require, table
from search import build_index, check_quote, open_index, parse_article
from search.quotecheck import words

UKRAINE = SHARED / "corpora" / "ukraine-war"
_NEGATION = re.compile(r"\b(?:not|never)\s+|(?<=\w)n't\b", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def case_punct(text: str, rng: random.Random) -> str | None:
    return re.sub(r"[^\w\s']", "", text.lower().replace("’", "'"))


def swap(text: str, rng: random.Random) -> str | None:
    parts = text.split()
    at = rng.randrange(len(parts) - 1)
    parts[at], parts[at + 1] = parts[at + 1], parts[at]
    return " ".join(parts)


def drop(text: str, rng: random.Random) -> str | None:
    parts = text.split()
    del parts[rng.randrange(1, len(parts) - 1)]
    return " ".join(parts)


def number(text: str, rng: random.Random) -> str | None:
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    chosen = rng.choice(found)
    digits = chosen.group()
    changed = str(int(re.sub(r"\D", "", digits) or 0) + rng.randrange(1, 9))
    return text[: chosen.start()] + changed + text[chosen.end() :]


def negation(text: str, rng: random.Random) -> str | None:
    found = list(_NEGATION.finditer(text))
    if not found:
        return None
    chosen = rng.choice(found)
    return text[: chosen.start()] + text[chosen.end() :]


def half(text: str, rng: random.Random) -> str | None:
    parts = text.split()
    return " ".join(parts[: max(4, len(parts) // 2)])


PERTURBATIONS: dict[str, Callable[[str, random.Random], str | None]] = {
    "case+punct": case_punct,
    "swap": swap,
    "drop": drop,
    "number": number,
    "negation": negation,
    "half": half,
}
FLAGS = {"number": "number", "negation": "negation"}


def corpus_copy(target: Path) -> Path:
    """BBC and the Ukraine set side by side in one folder to index."""
    shutil.copytree(require(BBC, "the BBC corpus"), target / "bbc")
    if UKRAINE.exists():
        shutil.copytree(UKRAINE, target / "ukraine")
    return target


def sample_quotes(folder: Path, count: int) -> list[str]:
    quotes: dict[str, None] = {}
    for path in sorted(folder.rglob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        for quote in parse_article(path).quotes:
            if len(words(quote.text)) >= 8:
                quotes[quote.text] = None
    pool = list(quotes)
    rng = random.Random(2024)
    return rng.sample(pool, min(count, len(pool)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=300)
    parser.add_argument("--index", help="time the checks on this index as well (e.g. BBC ×10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus_copy(Path(tmp) / "articles")
        build_index(folder, Path(tmp) / "ix")
        quotes = sample_quotes(folder, args.quotes)
        rows = []
        times: list[float] = []
        misses: list[str] = []
        with open_index(Path(tmp) / "ix") as ix:
            for kind, perturb in PERTURBATIONS.items():
                right = flagged = tried = 0
                for number_, quote in enumerate(quotes):
                    pasted = perturb(quote, random.Random(f"{kind}/{number_}"))
                    if pasted is None:
                        continue
                    tried += 1
                    started = time.perf_counter()
                    answer = check_quote(ix, pasted)
                    times.append((time.perf_counter() - started) * 1000)
                    top = answer.matches[0] if answer.matches else None
                    if top is not None and words(top.text) == words(quote):
                        right += 1
                        flagged += kind in FLAGS and FLAGS[kind] in top.flags
                    elif len(misses) < 12:
                        misses.append(f"{kind}: {pasted!r} -> {top.text if top else None!r}")
                rows.append(
                    [
                        kind,
                        tried,
                        right / tried if tried else 0.0,
                        flagged / right if kind in FLAGS and right else "",
                    ]
                )
        big: list[float] = []
        if args.index:
            with open_index(args.index) as ix:
                for quote in quotes[:100]:
                    started = time.perf_counter()
                    check_quote(ix, drop(quote, random.Random(quote)) or quote)
                    big.append((time.perf_counter() - started) * 1000)
    print(f"{len(quotes)} quotes from the BBC corpus and the Ukraine set\n")
    print(table(["perturbation", "checks", "top-1 right", "flagged (of right)"], rows))
    print(
        f"\ncheck_quote ms on that index: median {statistics.median(times):.1f}, "
        f"p95 {sorted(times)[int(len(times) * 0.95) - 1]:.1f}"
    )
    if big:
        print(
            f"on {args.index}: median {statistics.median(big):.1f}, "
            f"p95 {sorted(big)[int(len(big) * 0.95) - 1]:.1f}"
        )
    if misses:
        print("\nFirst misses:\n" + "\n".join(f"- {m[:300]}" for m in misses))


if __name__ == "__main__":
    main()
