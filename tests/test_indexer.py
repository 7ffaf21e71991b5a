"""Incremental indexing: add, update, remove, skip unchanged, report failures, stay readable."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import search
from search import IndexLockedError, build_index, corrections, indexer, open_index
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


_HARBOUR = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs that "
    "engineers say will take at least eighteen months. Traffic will be sent along the ring "
    "road, and a ferry will carry cyclists and walkers across the river every twenty minutes."
)


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_processes_give_the_same_index_and_report_failures(
    tmp_path: Path, workers: int
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(140):
        (folder / f"story{n:03}.txt").write_text(
            f"Story number {n}\n\nThe council in Leeds met on day {n} to discuss budget {n}.\n"
        )
    # Copies of one story far apart in the folder: in different batches, and with two
    # workers in different segments, they still make one group.
    for n in (5, 70, 135):
        (folder / f"story{n:03}.txt").write_text(f"Harbour copy {n}\n\n{_HARBOUR}\n")
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    pooled = build_index(folder, tmp_path / "pooled", workers=workers)
    here = build_index(folder, tmp_path / "here", workers=0)
    for stats in (pooled, here):
        assert stats.added == 140
        assert {Path(p.path).name: p.reason for p in stats.failed} == {
            "empty.txt": "empty file",
            "image.txt": "binary file, not text",
        }
    with whoosh_index.open_dir(str(tmp_path / "pooled")).reader() as reader:
        assert len(list(reader.leaf_readers())) == workers  # a segment from each worker
    with open_index(tmp_path / "pooled") as a, open_index(tmp_path / "here") as b:
        for query in ("leeds", "budget 7", "story", "harbour"):
            assert [h.id for h in a.search(query).hits] == [h.id for h in b.search(query).hits]
        harbour = a.search("harbour")
        assert harbour.total == 1 and len(harbour.hits[0].similar) == 2
        assert a.article("story007.txt") == b.article("story007.txt")


@pytest.mark.slow
def test_a_worker_killed_mid_run_fails_the_run_and_keeps_the_index(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(400):
        (folder / f"story{n:03}.txt").write_text(f"Story {n}\n\nThe council met on day {n}.\n")
    build_index(folder, tmp_path / "ix", workers=0)
    before = sorted(p.name for p in (tmp_path / "ix").iterdir())
    for n in range(400):
        (folder / f"story{n:03}.txt").write_text(f"Story {n}\n\nThe mayor spoke on day {n}.\n")

    def kill_a_worker() -> None:
        while not (children := multiprocessing.active_children()) and not done.is_set():
            time.sleep(0.01)
        workers = [c for c in children if c.name.startswith("news-search indexer")]
        if workers:
            time.sleep(0.5)  # mid-run: started, extracting
            os.kill(workers[0].pid, signal.SIGKILL)

    done = threading.Event()
    thread = threading.Thread(target=kill_a_worker)
    thread.start()
    try:
        killed = r"worker process was killed.*run the same"
        with pytest.raises(search.IndexWriteError, match=killed):
            build_index(folder, tmp_path / "ix", workers=2)
    finally:
        done.set()
        thread.join()
    assert sorted(p.name for p in (tmp_path / "ix").iterdir()) == before
    with open_index(tmp_path / "ix") as ix:
        assert ix.search("council").total == 400 and ix.search("mayor").total == 0
    assert build_index(folder, tmp_path / "ix", workers=2).updated == 400


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


def test_a_commit_by_another_indexer_after_reading_is_read_again_under_the_lock(
    articles_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "ix"
    build_index(articles_copy, index_dir)
    (articles_copy / "new.txt").write_text("Harbour news\n\nThe harbour reopened today.\n")
    changed = indexer._changed

    def another_indexer_commits_first(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(indexer, "_changed", changed)
        build_index(articles_copy, index_dir, workers=0)  # adds new.txt, then lets go
        return changed(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(indexer, "_changed", another_indexer_commits_first)
    stats = build_index(articles_copy, index_dir, workers=0)
    assert (stats.added, stats.unchanged, stats.documents) == (0, 5, 5)  # not added twice
    with open_index(index_dir) as ix:
        assert ix.search("harbour").total == 1


def test_a_segment_gone_while_reading_is_a_newer_commit_not_damage(
    articles_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "ix"
    build_index(articles_copy, index_dir)
    hashes = indexer._hashes

    def gone_once(searcher: object) -> dict[str, str]:
        monkeypatch.setattr(indexer, "_hashes", hashes)
        raise FileNotFoundError(2, "No such file or directory", "MAIN_abc.seg")

    monkeypatch.setattr(indexer, "_hashes", gone_once)
    stats = build_index(articles_copy, index_dir)
    assert stats.rebuilt is None and stats.unchanged == 4


def test_a_re_index_reading_while_another_commits_a_merge_keeps_both_and_is_not_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two server workers each re-indexing the article they took a correction for: the
    # second commits (merging away the segment the first is reading) while the first
    # reads the index. Whoosh then finds the segment's stored-fields file gone.
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    folder.mkdir()
    ids = [f"school-{number}.txt" for number in range(3)]
    for number, article_id in enumerate(ids):
        (folder / article_id).write_text(
            f"School {number} to open a library\n\n"
            f'"Pupils in school {number} will read more," said Head Teacher {number}.\n'
        )
    build_index(folder, index_dir, workers=0)
    with open_index(index_dir) as served:  # a server, having shown every article
        for article_id in ids[:2]:
            article = served.article(article_id)
            change = {"quote": article.quotes[0].text, "speaker": f"Reader of {article_id}"}
            corrections.append(folder, corrections.entry(article, **change))
        hashes = indexer._hashes

        def another_worker_commits_meanwhile(searcher: object) -> dict[str, str]:
            monkeypatch.setattr(indexer, "_hashes", hashes)
            build_index(folder, index_dir, only=[ids[1]], workers=0)  # merges: a third deleted
            return hashes(searcher)

        monkeypatch.setattr(indexer, "_hashes", another_worker_commits_meanwhile)
        stats = build_index(folder, index_dir, only=[ids[0]], workers=0)

        assert stats.rebuilt is None and stats.updated == 1
        for article_id in ids[:2]:
            assert served.article(article_id).quotes[0].speaker == f"Reader of {article_id}"
        assert served.article(ids[2]).quotes[0].speaker is None


def test_an_open_index_follows_a_rebuild_of_its_folder(tmp_path: Path) -> None:
    # A rebuilt index that started its generations again at 0 looked, to a server that
    # had read the old one's generation of the same number, like the one it had.
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    folder.mkdir()
    (folder / "harbour.txt").write_text(
        'Harbour to reopen\n\n"The harbour will reopen in spring," said the mayor.\n'
    )
    build_index(folder, index_dir, workers=0)
    with open_index(index_dir) as served:
        article = served.article("harbour.txt")
        change = {"quote": article.quotes[0].text, "speaker": "Anna Berg"}
        corrections.append(folder, corrections.entry(article, **change))
        assert build_index(folder, index_dir, workers=0, rebuild=True).added == 1
        assert served.article("harbour.txt").quotes[0].speaker == "Anna Berg"
