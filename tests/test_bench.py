"""The benchmarks run: CI has no time for their full size, so each runs here on the
small fixture corpus, and must print its table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ARTICLES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_scale_bench_grows_a_corpus_and_compares_three_engines() -> None:
    command = [sys.executable, "bench/scale.py", "--source", str(ARTICLES), "--sizes", "1,3"]
    result = subprocess.run(
        [*command, "--queries", "5"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split("|") for line in result.stdout.splitlines() if "|" in line][1:]
    assert {(row[0].strip(), row[1].strip()) for row in rows} >= {
        ("×1 distinct", "news-search"),
        ("×3 syndicated", "plain Whoosh"),
        ("×3 distinct", "SQLite FTS5"),
    }
    docs = {row[0].strip(): int(row[2]) for row in rows}
    assert docs["×3 distinct"] == docs["×3 syndicated"] == 3 * docs["×1 distinct"]
    reruns = [row[-1].strip() for row in rows if row[1].strip() == "news-search"]
    assert reruns and all(re.fullmatch(r"[\d.]+ s \([\d.]+%\)", rerun) for rerun in reruns)


@pytest.mark.slow
def test_scale_bench_compares_the_backends() -> None:
    from tests import typesense_nodes

    reason = typesense_nodes.binary()
    if isinstance(reason, str):
        pytest.skip(f"Typesense bench skipped: {reason}")
    command = [sys.executable, "bench/scale.py", "--source", str(ARTICLES), "--sizes", "1,3"]
    result = subprocess.run(
        [*command, "--kinds", "distinct", "--queries", "5", "--backend", "whoosh,typesense"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split("|") for line in result.stdout.splitlines() if "|" in line][1:]
    found = {(row[0].strip(), row[1].strip()): int(row[2]) for row in rows}
    assert found[("×3 distinct", "typesense")] == found[("×3 distinct", "whoosh")]
    assert found[("×3 distinct", "whoosh")] == 3 * found[("×1 distinct", "whoosh")]
