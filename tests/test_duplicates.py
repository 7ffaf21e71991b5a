"""Near-duplicates: sketches, grouping at index time, one result per story."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import search
from search import build_index, open_index, sketches
from search.duplicates import SKETCH_SIZE, THRESHOLD, could_resemble, resemblance, sketch

_STORY = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs that "
    "engineers say will take at least eighteen months. Traffic will be sent along the ring "
    "road, and a ferry will carry cyclists and walkers across the river every twenty minutes. "
    "Shop owners near the bridge said they feared losing customers during the works."
)


def test_sketches_estimate_resemblance() -> None:
    same = sketch(_STORY)
    assert resemblance(same, sketch(_STORY.upper())) == 1.0
    edited = _STORY.replace("eighteen months", "two years") + " The mayor welcomed the vote."
    assert resemblance(same, sketch(edited)) >= 0.6
    other = "Floods closed roads across the north as rivers burst their banks overnight again."
    assert resemblance(same, sketch(other * 3)) < 0.2
    assert sketch("too short") == ()


def _write(folder: Path, name: str, headline: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{headline}\n\n{body}\n")


def test_copies_are_grouped_and_shown_once(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "a.txt", "Harbour bridge to close", _STORY)
    _write(folder, "b.txt", "Bridge closure approved", _STORY + " Updated at noon.")
    _write(folder, "c.txt", "Ferry plan for cyclists", "Cyclists will use a harbour ferry. " * 5)
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        results = ix.search("harbour")
        assert results.total == 2
        first = next(h for h in results.hits if h.id in ("a.txt", "b.txt"))
        assert first.similar == [{"a.txt": "b.txt", "b.txt": "a.txt"}[first.id]]
        assert [h.id for h in ix.related("c.txt")] in (["a.txt"], ["b.txt"])


def test_a_copy_added_later_joins_the_group(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "a.txt", "Harbour bridge to close", _STORY)
    build_index(folder, tmp_path / "ix")
    _write(folder, "later.txt", "Bridge to shut", "Breaking. " + _STORY)
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        results = ix.search("bridge")
        assert results.total == 1
        assert results.hits[0].similar == ["later.txt"]


def test_fixture_articles_have_no_duplicates(ix: search.Index) -> None:
    assert all(not h.similar for h in ix.search("the OR in OR said").hits)


@pytest.mark.parametrize("damage", ["deleted", "garbage"])
def test_a_lost_lookup_table_is_built_again_from_the_index(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "news"
    _write(folder, "a.txt", "Harbour bridge to close", _STORY)
    build_index(folder, tmp_path / "ix")
    table = tmp_path / "ix" / sketches.FILENAME
    if damage == "deleted":
        table.unlink()
    else:
        table.write_bytes(b"not a database" * 100)
    _write(folder, "later.txt", "Bridge to shut", "Breaking. " + _STORY)
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        assert ix.search("bridge").hits[0].similar == ["later.txt"]


def test_a_table_row_for_an_article_not_in_the_index_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "a.txt", "Harbour bridge to close", _STORY)
    build_index(folder, tmp_path / "ix")
    # What a run leaves when its index commit fails after the table's.
    table = sketches.SketchTable(tmp_path / "ix", fresh=False)
    table.add("ghost.txt", sketch(_STORY))
    table.commit()
    table.close()
    _write(folder, "later.txt", "Bridge to shut", "Breaking. " + _STORY)
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        results = ix.search("bridge")
        assert results.total == 1 and results.hits[0].similar == ["later.txt"]


def test_the_bound_never_passes_over_a_pair_that_resembles() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(20000):
        size_a, size_b = rng.randint(1, SKETCH_SIZE), rng.randint(1, SKETCH_SIZE)
        common = rng.sample(range(1000), rng.randint(0, min(size_a, size_b)))
        a = tuple(sorted({*common, *rng.sample(range(1000, 2000), size_a - len(common))}))
        b = tuple(sorted({*common, *rng.sample(range(2000, 3000), size_b - len(common))}))
        if resemblance(a, b) >= THRESHOLD:
            checked += 1
            assert could_resemble(len(set(a) & set(b)), len(a)), (a, b)
    assert checked > 1000
