"""The command line: index, query, parse, with their outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.cli import main


def test_index_prints_a_summary_and_problem_files(
    articles_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (articles_copy / "empty.txt").write_text("")
    assert main(["index", str(articles_copy), "--index", str(tmp_path / "ix")]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("4 added, 0 updated, 0 removed, 0 unchanged, 1 failed")
    assert f"failed: {articles_copy / 'empty.txt'}: empty file" in err


def test_query_prints_ranked_results_and_json(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "budget", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "1 result for 'budget'" in out
    assert "1. Finance minister defends budget plan  [world/budget-vote.txt]" in out
    assert main(["query", "budget", "--index", str(index_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hits"][0]["id"] == "world/budget-vote.txt"


def test_query_without_an_index_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "x", "--index", str(tmp_path / "none")]) == 2
    assert "run `python -m search index" in capsys.readouterr().err


def test_parse_shows_quotes_places_and_removed_lines(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parent / "data" / "articles" / "world" / "kyiv-rally.txt"
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "— Olena Marchenko" in out
    assert "Kiev" not in out.split("Places")[0]
    assert "source or share line: Source: Read Full Article" in out
    assert main(["parse", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["headline"] == "Thousands rally in Kyiv as talks stall"
    assert {r["reason"] for r in data["removed"]} >= {"consent notice", "teaser for another story"}
