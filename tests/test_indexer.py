"""Incremental indexing: add, update, remove, skip unchanged, report failures, stay readable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import search
from search import IndexLockedError, build_index, indexer, open_index
from search.engine import index as whoosh_index
from search.extract import extract


def test_first_run_adds_every_article_and_ignores_folder_readmes(
    articles_copy: Path, tmp_path: Path
) -> None:
    stats = build_index(articles_copy, tmp_path / "ix")
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (4, 0, 0, 0)
    assert stats.failed == []
    assert [Path(p.path).name for p in stats.ignored] == ["README.md"]
    assert stats.documents == 4


def test_unchanged_files_are_skipped(articles_copy: Path, tmp_path: Path) -> None:
    build_index(articles_copy, tmp_path / "ix")
    stats = build_index(articles_copy, tmp_path / "ix")
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 0, 4)


def test_changed_file_is_updated_and_deleted_file_removed(
    articles_copy: Path, tmp_path: Path
) -> None:
    build_index(articles_copy, tmp_path / "ix")
    budget = articles_copy / "world" / "budget-vote.txt"
    budget.write_text(budget.read_text() + "\nA late amendment mentioned lighthouses.\n")
    (articles_copy / "world" / "kiev-archive.txt").unlink()
    stats = build_index(articles_copy, tmp_path / "ix")
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 1, 1, 2)
    with open_index(tmp_path / "ix") as ix:
        assert len(ix) == 3
        assert [h.id for h in ix.search("lighthouses").hits] == ["world/budget-vote.txt"]
        assert ix.search("song contest").total == 0


def test_bad_files_are_reported_and_the_rest_indexed(articles_copy: Path, tmp_path: Path) -> None:
    (articles_copy / "empty.txt").write_bytes(b"")
    (articles_copy / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50)
    (articles_copy / "huge.txt").write_bytes(b"Huge\n\n" + b"word " * 300_000)
    (articles_copy / "latin1.txt").write_bytes(
        "Café owners protest\n\nPrices rose 5 £.\n".encode("cp1252")
    )
    stats = build_index(articles_copy, tmp_path / "ix", max_bytes=1024 * 1024)
    reasons = {Path(p.path).name: p.reason for p in stats.failed}
    assert reasons.keys() == {"empty.txt", "image.txt", "huge.txt"}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["image.txt"]
    assert "too large" in reasons["huge.txt"]
    assert [Path(p.path).name for p in stats.warnings] == ["latin1.txt"]
    assert stats.added == 5
    with open_index(tmp_path / "ix") as ix:
        assert [h.id for h in ix.search("café").hits] == ["latin1.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_reported(articles_copy: Path, tmp_path: Path) -> None:
    locked = articles_copy / "locked.txt"
    locked.write_text("Locked\n\nSecret.\n")
    locked.chmod(0)
    stats = build_index(articles_copy, tmp_path / "ix")
    assert [Path(p.path).name for p in stats.failed] == ["locked.txt"]


def test_second_indexer_stops_with_a_clear_message(articles_copy: Path, tmp_path: Path) -> None:
    build_index(articles_copy, tmp_path / "ix")
    (articles_copy / "new.txt").write_text("New story\n\nSomething happened.\n")
    holder = whoosh_index.open_dir(str(tmp_path / "ix")).writer()
    waits: list[str] = []
    try:
        with pytest.raises(IndexLockedError, match="Another indexer is writing"):
            build_index(articles_copy, tmp_path / "ix", wait=0.5, notify=waits.append)
    finally:
        holder.cancel()
    assert waits and "waiting up to" in waits[0]
    assert build_index(articles_copy, tmp_path / "ix").added == 1


def test_interrupted_run_leaves_the_previous_index_readable(
    articles_copy: Path, tmp_path: Path
) -> None:
    build_index(articles_copy, tmp_path / "ix")
    for n in range(3):
        (articles_copy / f"extra{n}.txt").write_text(f"Extra {n}\n\nMore news number {n}.\n")
    calls = 0

    def interrupted(article: search.Article) -> search.Article:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return extract(article)

    with pytest.raises(KeyboardInterrupt):
        build_index(articles_copy, tmp_path / "ix", extractor=interrupted)
    with open_index(tmp_path / "ix") as ix:
        assert len(ix) == 4
        assert ix.search("kyiv").total >= 1
    assert build_index(articles_copy, tmp_path / "ix").added == 3


def test_missing_seed_folder_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(search.SearchError, match="No folder of articles"):
        build_index(tmp_path / "nowhere", tmp_path / "ix")


def test_index_from_an_older_schema_is_rebuilt(articles_copy: Path, tmp_path: Path) -> None:
    build_index(articles_copy, tmp_path / "ix")
    (tmp_path / "ix" / "news-search.json").write_text('{"schema_version": 0}')
    with pytest.raises(search.SearchError, match="older version"):
        open_index(tmp_path / "ix")
    stats = build_index(articles_copy, tmp_path / "ix")
    assert stats.added == 4 and stats.unchanged == 0
    with open_index(tmp_path / "ix") as ix:
        assert len(ix) == 4


def test_worker_processes_give_the_same_index_and_report_failures(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(70):
        (folder / f"story{n:02}.txt").write_text(
            f"Story number {n}\n\nThe council in Leeds met on day {n} to discuss budget {n}.\n"
        )
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    pooled = build_index(folder, tmp_path / "pooled", workers=1)
    here = build_index(folder, tmp_path / "here", workers=0)
    for stats in (pooled, here):
        assert stats.added == 70
        assert {Path(p.path).name: p.reason for p in stats.failed} == {
            "empty.txt": "empty file",
            "image.txt": "binary file, not text",
        }
    with open_index(tmp_path / "pooled") as a, open_index(tmp_path / "here") as b:
        for query in ("leeds", "budget 7", "story"):
            assert [h.id for h in a.search(query).hits] == [h.id for h in b.search(query).hits]
        assert a.article("story07.txt") == b.article("story07.txt")


def test_incremental_runs_do_not_pile_up_segments(articles_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(articles_copy, index_dir)
    for run in range(12):  # each run adds a segment too large for Whoosh's own merging
        for number in range(40):
            text = f"Run {run}\n\nStory {number} of run {run}.\n"
            (articles_copy / f"new-{run}-{number}.txt").write_text(text)
        build_index(articles_copy, index_dir, workers=0)
        with whoosh_index.open_dir(str(index_dir)).reader() as reader:
            assert len(list(reader.leaf_readers())) <= indexer.MAX_SEGMENTS
    with open_index(index_dir) as ix:
        assert len(ix) == 4 + 12 * 40
