"""Searching: ranking, stemming, folding, highlighting, escaping, bad queries, paging."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import search
from search import build_index, open_index
from search.snippets import Highlight, mark, snippet


def test_articles_with_only_some_words_are_a_separate_group_after_full_matches(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "strong.txt").write_text(
        "Harbour harbour news\n\nHarbour fees rose. The harbour is busy. Harbour boats wait.\n"
    )
    (folder / "both.txt").write_text(
        "Coastal round-up\n\n"
        + "Weather and tides were calm along the coast all week. " * 8
        + "A harbour crane stood near the lighthouse.\n"
    )
    (folder / "lights.txt").write_text(
        "Lighthouse keepers\n\nThe lighthouse and another lighthouse.\n"
    )
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        plain_or = ix.search("harbour OR lighthouse")
        results = ix.search("harbour lighthouse")
    ids = [h.id for h in plain_or.hits]
    assert ids.index("strong.txt") < ids.index("both.txt")  # BM25 alone prefers it
    assert plain_or.total == 3 and not plain_or.more_hits
    assert [h.id for h in results.hits] == ["both.txt"]
    assert results.total == 1
    assert sorted(h.id for h in results.more_hits) == ["lights.txt", "strong.txt"]
    assert results.more_total == 2


def test_stemming_finds_other_forms(ix: search.Index) -> None:
    results = ix.search("protests")
    assert [h.id for h in results.hits] == ["world/kyiv-rally.txt"]
    assert "<mark>protesting</mark>" in results.hits[0].snippet


def test_accents_are_folded(ix: search.Index) -> None:
    assert [h.id for h in ix.search("Kyív").hits][:1] == ["world/kyiv-rally.txt"]


def test_any_spelling_of_a_place_finds_the_article(ix: search.Index) -> None:
    ids = {h.id for h in ix.search("Kyiv").hits}
    assert {"world/kyiv-rally.txt", "world/kiev-archive.txt"} <= ids


def test_snippet_marks_every_matched_word_and_headline_is_marked(ix: search.Index) -> None:
    hit = ix.search("budget borrowing").hits[0]
    assert "<mark>borrowing</mark>" in hit.snippet
    assert "<mark>budget</mark>" in hit.snippet
    assert hit.headline_html == "Finance minister defends <mark>budget</mark> plan"


def test_hit_matched_outside_the_body_falls_back_to_the_lead(ix: search.Index) -> None:
    hit = ix.search("outlet:example").hits[0]
    assert hit.id == "energy-page.html"
    assert hit.snippet.startswith("Household energy prices in Lisbon")


def test_a_match_inside_a_quote_shows_the_whole_quote_and_its_speaker(
    ix: search.Index,
) -> None:
    hit = ix.search("honest").hits[0]
    assert hit.snippet == "“This budget is <mark>honest</mark> about what we owe,” — Tomasz Nowak"
    assert [q.text for q in hit.matched_quotes] == ["This budget is honest about what we owe,"]


def test_speaker_search_shows_the_speakers_quote(ix: search.Index) -> None:
    hit = ix.search("speaker:nowak").hits[0]
    assert hit.id == "world/budget-vote.txt"
    assert hit.snippet.endswith("— Tomasz Nowak")
    assert [q.speaker for q in hit.matched_quotes] == ["Tomasz Nowak"]


def test_hits_carry_quotes_and_places(ix: search.Index) -> None:
    hit = ix.search("marchenko").hits[0]
    assert any(q.speaker == "Olena Marchenko" for q in hit.quotes)
    assert {"Kyiv", "Lviv", "Odesa", "Geneva"} <= {p.canonical for p in hit.locations}


@pytest.mark.parametrize(
    "query",
    [
        "((",
        "))",
        '"unclosed phrase',
        "headline:",
        "title:)",
        "[a TO",
        "^2",
        "*",
        "AND",
        "OR OR NOT",
        "kyiv AND",
        "a" * 2000,
        "\0",
        "speaker:(",
        "~2",
        "budget~",
        "date:[2024 TO",
        "<script>",
    ],
)
def test_bad_queries_never_raise(ix: search.Index, query: str) -> None:
    results = ix.search(query)
    assert results.total >= 0
    assert results.page == 1


def test_unparseable_query_falls_back_to_its_words(ix: search.Index) -> None:
    results = ix.search("budget))((")
    assert results.total >= 1
    assert results.hits[0].id == "world/budget-vote.txt"


def test_field_phrase_and_prefix_syntax(ix: search.Index) -> None:
    assert [h.id for h in ix.search("headline:budget").hits] == ["world/budget-vote.txt"]
    assert [h.id for h in ix.search('"peaceful pressure"').hits] == ["world/kyiv-rally.txt"]
    assert ix.search('"pressure peaceful"').total == 0
    assert {h.id for h in ix.search("borrow*").hits} == {"world/budget-vote.txt"}
    assert ix.search("quotes:honest").hits[0].id == "world/budget-vote.txt"


def test_pages_split_the_results(ix: search.Index) -> None:
    everything = ix.search("the OR in OR said OR prices", page_size=2)
    assert everything.total == 4 and everything.pages == 2
    second = ix.search("the OR in OR said OR prices", page=2, page_size=2)
    assert len(second.hits) == 2 and second.hits[0].rank == 3
    first_ids = {h.id for h in everything.hits}
    assert first_ids.isdisjoint(h.id for h in second.hits)
    assert ix.search("the OR in OR said OR prices", page=9, page_size=2).hits == []


def test_article_returns_the_stored_article(ix: search.Index) -> None:
    article = ix.article("world/budget-vote.txt")
    assert article.headline == "Finance minister defends budget plan"
    with pytest.raises(search.ArticleNotFoundError):
        ix.article("no/such.txt")


def test_article_text_is_escaped_in_snippets(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.txt").write_text(
        "Attack <b>bold</b>\n\nThe <script>alert(1)</script> attack & more.\n"
    )
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        hit = ix.search("attack").hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert hit.headline_html == "<mark>Attack</mark> &lt;b&gt;bold&lt;/b&gt;"


def test_open_index_reports_a_missing_index(tmp_path: Path) -> None:
    with pytest.raises(search.NoIndexError, match="run `python -m search index"):
        open_index(tmp_path / "nothing")


def test_open_index_sees_new_commits(articles_copy: Path, tmp_path: Path) -> None:
    build_index(articles_copy, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        assert ix.search("lighthouse").total == 0
        (articles_copy / "late.txt").write_text("Late news\n\nA lighthouse was sold.\n")
        build_index(articles_copy, tmp_path / "ix")
        assert ix.search("lighthouse").total == 1


def test_a_commit_merging_away_the_segment_about_to_be_read_is_followed_not_an_error(
    articles_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server thread checks its searcher is on the newest commit, then another
    # indexer's commit merges the segments (deleting their files) before the thread
    # reads an article's stored fields: Whoosh then raises TypeError, not an OSError.
    build_index(articles_copy, tmp_path / "ix", workers=0)
    with open_index(tmp_path / "ix") as ix:
        assert len(ix) == 4  # this thread's searcher, no stored field read yet
        searcher_of = ix._searcher

        def another_commit_right_after_the_check() -> object:
            searcher = searcher_of()
            monkeypatch.setattr(ix, "_searcher", searcher_of)
            edited = articles_copy / "world" / "budget-vote.txt"
            edited.write_text("Budget vote delayed\n\nThe vote was put off to May.\n")
            stats = build_index(articles_copy, tmp_path / "ix", workers=0)
            assert stats.updated == 1 and stats.rebuilt is None  # a quarter deleted: merged
            return searcher

        monkeypatch.setattr(ix, "_searcher", another_commit_right_after_the_check)
        assert ix.article("world/budget-vote.txt").headline == "Budget vote delayed"


def test_results_are_plain_json(ix: search.Index) -> None:
    import json

    data = json.loads(json.dumps(ix.search("kyiv").to_dict()))
    assert {"query", "total", "page", "pages", "elapsed", "hits"} <= data.keys()
    assert {"id", "headline", "snippet", "score", "quotes", "locations"} <= data["hits"][0].keys()


def test_bare_star_matches_every_article(ix: search.Index) -> None:
    assert ix.search("*").total == 4


def test_patterns_need_two_letters_before_the_wildcard(ix: search.Index) -> None:
    # "?*" would expand to the whole lexicon of every field: refused, not run.
    assert ix.search("?*").total == 0
    assert ix.search("bo*").total >= 1


def test_misspelt_query_gets_a_suggestion_from_the_index(ix: search.Index) -> None:
    results = ix.search("marchenco")
    assert results.total == 0
    assert results.suggestion == "marchenko"
    assert ix.search(results.suggestion).total == 1


def test_stemmed_index_words_are_suggested_as_written(ix: search.Index) -> None:
    assert ix.search("borrowinng").suggestion == "borrowing"


def test_no_suggestion_for_numbers_or_when_the_query_finds_enough(ix: search.Index) -> None:
    assert ix.search("budg3t").suggestion is None
    assert ix.search("kyiv").suggestion is None


def test_suggestion_when_no_article_holds_every_word(ix: search.Index) -> None:
    results = ix.search("marchenco rally")
    assert results.total == 0
    assert results.more_total >= 1  # "rally" alone matches
    assert results.suggestion == "marchenko rally"


def test_repeated_query_is_served_from_the_cache_until_the_index_changes(
    articles_copy: Path, tmp_path: Path
) -> None:
    build_index(articles_copy, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        first = ix.search("harbour OR kyiv")
        again = ix.search("harbour OR kyiv")
        assert not first.cached and again.cached
        assert [h.id for h in again.hits] == [h.id for h in first.hits]
        (articles_copy / "harbour.txt").write_text("Harbour news\n\nThe harbour reopened.\n")
        build_index(articles_copy, tmp_path / "ix")
        after = ix.search("harbour OR kyiv")
        assert not after.cached and after.total == first.total + 1


def test_changing_returned_results_leaves_what_the_cache_answers_next(ix: search.Index) -> None:
    first = ix.search("budget warsaw")
    assert first.hits
    first.hits.clear()
    first.facets.clear()
    again = ix.search("budget warsaw")
    assert again.cached and again.hits and again.facets


def test_explain_gives_each_field_share_of_the_score(ix: search.Index) -> None:
    hit = ix.search("budget warsaw", explain=True).hits[0]
    assert hit.explain is not None and {"headline", "body"} <= hit.explain.keys()
    assert abs(sum(hit.explain.values()) - hit.score) < 0.01
    assert ix.search("budget warsaw").hits[0].explain is None


def test_phrase_is_marked_as_one_unit(ix: search.Index) -> None:
    hit = ix.search('"peaceful pressure"').hits[0]
    assert "<mark>Peaceful pressure</mark>" in hit.snippet
    body = mark(ix.article(hit.id).body, ix.highlight('"peaceful pressure"'))
    assert body.count("<mark>") == 1  # "pressure" alone elsewhere stays unmarked


def test_proximity_phrase_marks_the_words_with_what_lies_between(ix: search.Index) -> None:
    marked = mark(ix.article("world/budget-vote.txt").body, ix.highlight('"cut borrowing"~3'))
    assert "<mark>cut borrowing</mark>" in marked
    loose = mark("The plan would cut, in time, borrowing.", ix.highlight('"cut borrowing"~3'))
    assert loose == "The plan would <mark>cut, in time, borrowing</mark>."


def test_long_sentences_are_cut_around_the_match() -> None:
    body = "Words " * 200 + "and the lighthouse at the end " + "more " * 200 + "."
    text = snippet(body, Highlight(frozenset({"lighthous"})))
    assert "<mark>lighthouse</mark>" in text and len(text) < 400


def test_other_spellings_of_a_place_are_marked_and_named(ix: search.Index) -> None:
    results = ix.search("Kyiv")
    archive = next(h for h in results.hits if h.id == "world/kiev-archive.txt")
    assert "<mark>Kiev</mark>" in archive.snippet
    assert archive.also_matched == ["Kiev"]
    assert results.also_matched == ["Kiev"]
    rally = next(h for h in results.hits if h.id == "world/kyiv-rally.txt")
    assert rally.also_matched == []


def test_place_filter_includes_the_places_inside_a_country(ix: search.Index) -> None:
    ids = {h.id for h in ix.search("place:ukraine").hits}
    assert ids == {"world/kyiv-rally.txt", "world/kiev-archive.txt"}
    assert {h.id for h in ix.search("place:lisbon").hits} == {"energy-page.html"}


def test_related_articles_share_the_distinctive_words(ix: search.Index) -> None:
    related = [h.id for h in ix.related("world/kyiv-rally.txt")]
    assert related and "world/kyiv-rally.txt" not in related
    assert "world/kiev-archive.txt" in related
    with pytest.raises(search.ArticleNotFoundError):
        ix.related("no/such.txt")


def test_counts_stay_right_after_deletions_and_updates(articles_copy: Path, tmp_path: Path) -> None:
    build_index(articles_copy, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        assert ix.search("kyiv").total == 2
        assert ix.search("song OR kyiv").total == 2
        (articles_copy / "world" / "kiev-archive.txt").unlink()
        budget = articles_copy / "world" / "budget-vote.txt"
        budget.write_text(budget.read_text() + "\nKyiv was mentioned in the debate.\n")
        build_index(articles_copy, tmp_path / "ix")
        assert {h.id for h in ix.search("kyiv").hits} == {
            "world/kyiv-rally.txt",
            "world/budget-vote.txt",
        }
        assert ix.search("song OR contest").total == 0


def test_a_hyphen_inside_a_word_is_not_an_exclusion(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "myc.txt").write_text("Oncogene\n\nThe c-Myc protein in tubule-specific cells.\n")
    (folder / "other.txt").write_text("Protein news\n\nA protein was found.\n")
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        assert "myc.txt" in {h.id for h in ix.search("c-Myc protein").hits}
        assert "myc.txt" in {h.id for h in ix.search("tubule-specific protein").hits}
        assert {h.id for h in ix.search("protein -myc").hits} == {"other.txt"}


def test_facet_postings_are_read_once_however_many_readers_arrive_at_once(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.backends.whoosh as backend

    reads: list[int] = []
    real = backend.read_postings

    def counted(reader: Any) -> Any:
        reads.append(1)
        time.sleep(0.05)  # long enough for every thread to ask meanwhile
        return real(reader)

    monkeypatch.setattr(backend, "read_postings", counted)
    with search.open_index(index_dir) as fresh:
        threads = [threading.Thread(target=fresh.search, args=("kyiv",)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert reads == [1]
        fresh.warm()  # the same generation: nothing read again
        assert reads == [1]
