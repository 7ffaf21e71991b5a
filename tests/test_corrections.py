"""The corrections file: a newsroom's fixes to extraction survive re-indexing, go stale
when the article changes, and never touch another article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import search
from search import build_index, cli, open_index, parse_article
from search.corrections import FILENAME, append, entry

STORY = (
    "Harbour row\n\n"
    '"The harbour will reopen in spring," the mayor, Tom Lund, said on Monday.\n\n'
    "Repairs began in Tromso last year.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(STORY)
    (articles / "b.txt").write_text(STORY.replace("Harbour row", "Harbour row again"))
    return articles


def _speakers(index_dir: Path, article_id: str) -> list[str | None]:
    with open_index(index_dir) as ix:
        return [q.speaker for q in ix.article(article_id).quotes]


def _correct_a(folder: Path) -> None:
    article = parse_article(folder / "a.txt")
    quote = article.quotes[0].text
    append(folder, entry(article, quote=quote, speaker="Anna Berg", by="desk"))


def test_a_correction_applies_after_a_full_reindex_and_only_to_its_article(
    folder: Path, tmp_path: Path
) -> None:
    _correct_a(folder)
    stats = build_index(folder, tmp_path / "ix", rebuild=True)
    assert stats.added == 2 and stats.warnings == []
    assert _speakers(tmp_path / "ix", "a.txt") == ["Anna Berg"]
    assert _speakers(tmp_path / "ix", "b.txt") == ["Tom Lund"]  # the same words, not corrected
    with open_index(tmp_path / "ix") as ix:
        assert ix.article("a.txt").corrected == (
            "quote “The harbour will reopen in spring,”: speaker Anna Berg",
        )
        assert [hit.id for hit in ix.search("speaker:berg").hits] == ["a.txt"]
        assert [hit.id for hit in ix.search("speaker:lund").hits] == ["b.txt"]


def test_adding_a_correction_reindexes_the_unchanged_file(folder: Path, tmp_path: Path) -> None:
    build_index(folder, tmp_path / "ix")
    _correct_a(folder)
    stats = build_index(folder, tmp_path / "ix")
    assert (stats.updated, stats.unchanged) == (1, 1)
    assert _speakers(tmp_path / "ix", "a.txt") == ["Anna Berg"]
    assert build_index(folder, tmp_path / "ix").unchanged == 2


def test_a_correction_goes_stale_when_its_article_is_edited(folder: Path, tmp_path: Path) -> None:
    _correct_a(folder)
    (folder / "a.txt").write_text(STORY + "\nA late paragraph.\n")
    stats = build_index(folder, tmp_path / "ix")
    assert [w.reason for w in stats.warnings] == ["stale correction (line 1): the article changed"]
    assert _speakers(tmp_path / "ix", "a.txt") == ["Tom Lund"]


def test_places_can_be_dropped_or_resolved_and_parse_shows_it(folder: Path) -> None:
    article = parse_article(folder / "a.txt")
    assert [p.name for p in article.locations] == ["Tromso"]
    append(folder, entry(article, place="Tromso", canonical="Tromsø", country="NO"))
    fixed = parse_article(folder / "a.txt")
    assert [(p.canonical, p.country) for p in fixed.locations] == [("Tromsø", "NO")]
    assert fixed.corrected == ("place Tromso: canonical Tromsø, country NO",)
    append(folder, entry(article, place="Tromso", drop=True))
    assert parse_article(folder / "a.txt").locations == ()


def test_the_file_is_not_an_article_and_bad_lines_are_reported(
    folder: Path, tmp_path: Path
) -> None:
    (folder / FILENAME).write_text(
        "not json\n"
        + json.dumps({"article": "a.txt", "sha256": "x", "quote": "q"})
        + "\n"
        + json.dumps({"article": "a.txt", "sha256": "x", "quote": "q", "speaker": "S", "colour": 1})
        + "\n"
    )
    stats = build_index(folder, tmp_path / "ix")
    assert stats.added == 2
    assert any(p.reason.startswith("holds corrections") for p in stats.ignored)
    reasons = [w.reason for w in stats.warnings]
    assert reasons[0].startswith(f"{FILENAME} line 1:")
    assert "line 2: says nothing to do" in reasons[1]
    assert "line 3: unknown keys: colour" in reasons[2]


def test_an_entry_refuses_what_the_file_would_refuse(folder: Path) -> None:
    article = parse_article(folder / "a.txt")
    with pytest.raises(ValueError, match="says nothing to do"):
        entry(article, quote="x")
    with pytest.raises(ValueError, match="either 'quote' or 'place'"):
        entry(article, speaker="x")
    assert isinstance(article, search.Article)


def test_a_corrections_file_that_is_not_utf8_is_reported_not_fatal(
    folder: Path, tmp_path: Path
) -> None:
    (folder / FILENAME).write_bytes(b'{"article": "a.txt", "note": "caf\xe9"}\n')
    stats = build_index(folder, tmp_path / "ix")
    assert stats.added == 2
    assert "cannot be read" in stats.warnings[0].reason


BOILERPLATE = "Source: the quay will open first, the harbour board said."


def test_a_line_removed_as_boilerplate_is_restored_in_place_and_searchable(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "a.txt").write_text(STORY.replace("Repairs", f"{BOILERPLATE}\n\nRepairs"))
    article = parse_article(folder / "a.txt")
    assert [r.text for r in article.removed] == [BOILERPLATE]
    append(folder, entry(article, restore=BOILERPLATE))
    stats = build_index(folder, tmp_path / "ix", rebuild=True)
    assert stats.warnings == []
    with open_index(tmp_path / "ix") as ix:
        restored = ix.article("a.txt")
        assert restored.paragraphs[1] == BOILERPLATE and restored.restored == (1,)
        assert restored.removed == ()
        assert restored.corrected == (f"line “{BOILERPLATE[:39]}…” restored",)
        assert [hit.id for hit in ix.search("quay").hits] == ["a.txt"]
    (folder / "a.txt").write_text(STORY.replace("Repairs", f"{BOILERPLATE}\n\nNew repairs"))
    stats = build_index(folder, tmp_path / "ix")
    assert [w.reason for w in stats.warnings] == ["stale correction (line 1): the article changed"]
    with open_index(tmp_path / "ix") as ix:
        assert ix.search("quay").total == 0


def test_parse_marks_what_came_from_a_correction(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "a.txt").write_text(STORY.replace("Repairs", f"{BOILERPLATE}\n\nRepairs"))
    article = parse_article(folder / "a.txt")
    append(folder, entry(article, restore=BOILERPLATE))
    append(folder, entry(article, quote=article.quotes[0].text, speaker="Anna Berg"))
    assert cli.main(["parse", str(folder / "a.txt")]) == 0
    out = capsys.readouterr().out
    assert f"[1] (restored by a correction) {BOILERPLATE}" in out
    assert '"The harbour will reopen in spring," — Anna Berg [correction]' in out
    assert "Removed as boilerplate (0)" in out


def test_a_restore_names_a_line_and_nothing_else(folder: Path) -> None:
    article = parse_article(folder / "a.txt")
    with pytest.raises(ValueError, match="takes no other change"):
        entry(article, restore="Source: x", speaker="y")
    with pytest.raises(ValueError, match="either 'quote' or 'place'"):
        entry(article, restore="Source: x", quote="y", speaker="z")


def test_reindexing_only_some_articles_leaves_the_rest_as_they_were(
    folder: Path, tmp_path: Path
) -> None:
    build_index(folder, tmp_path / "ix")
    (folder / "b.txt").write_text(STORY.replace("Harbour row", "Harbour row, updated"))
    _correct_a(folder)
    stats = build_index(folder, tmp_path / "ix", only=["a.txt"])
    assert (stats.updated, stats.added, stats.removed, stats.documents) == (1, 0, 0, 2)
    assert _speakers(tmp_path / "ix", "a.txt") == ["Anna Berg"]
    with open_index(tmp_path / "ix") as ix:
        assert ix.article("b.txt").headline == "Harbour row again"  # not re-read yet
