"""Checking a quote: alignment, flags for material changes, the story's earliest report."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from bs4 import BeautifulSoup

import search
from search import build_index, check_quote, open_index
from search.quotecheck import compare, words
from search.web import make_app

SAID = "We will not raise taxes on working families by 5 percent this year"


def _page(date: str, outlet: str, speaker_line: str) -> str:
    return (
        f'<html><head><title>Budget row</title><meta property="og:site_name" content="{outlet}">'
        f'<meta property="article:published_time" content="{date}"></head><body><article>'
        f"<h1>Budget row deepens</h1><p>{speaker_line}</p>"
        "<p>The opposition said the plan would not survive the vote next month.</p>"
        "</article></body></html>"
    )


@pytest.fixture(scope="module")
def syndicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.Index]:
    """One quote carried by three outlets on different days, and an unrelated story."""
    folder = tmp_path_factory.mktemp("quotes")
    line = f'"{SAID}," the chancellor, Anna Berg, told reporters in Oslo.'
    (folder / "wire.html").write_text(_page("2024-03-02T09:00:00", "Wire", line))
    (folder / "daily.html").write_text(_page("2024-03-01T18:30:00", "Daily", line))
    (folder / "weekly.html").write_text(_page("2024-03-05T08:00:00", "Weekly", line))
    (folder / "other.txt").write_text(
        'Harbour plan\n\n"The harbour will reopen in spring," the mayor, Tom Lund, said.\n'
    )
    build_index(folder, folder / "ix")
    with open_index(folder / "ix") as ix:
        yield ix


def test_a_verbatim_quote_names_its_speaker_earliest_article_and_copies(
    syndicated: search.Index,
) -> None:
    answer = check_quote(syndicated, SAID.lower() + "!")
    assert answer.found and answer.speaker == "Anna Berg"
    assert answer.matches[0].kind == "verbatim" and answer.matches[0].score == 1.0
    assert answer.articles == 3
    assert answer.earliest is not None and answer.earliest.outlet == "Daily"
    assert answer.earliest.date is not None and answer.earliest.date.startswith("2024-03-01")


def test_a_quote_found_nowhere_says_so(syndicated: search.Index) -> None:
    answer = check_quote(syndicated, "Penguins prefer jazz to opera on Sundays")
    assert not answer.found and answer.matches == []
    assert "not found" in answer.message


class _Quote:
    def __init__(self, text: str) -> None:
        self.text, self.speaker, self.paragraph = text, "Anna Berg", 0


class _Article:
    id, headline, date, outlet = "a.txt", "Budget row", None, None


def _compare(pasted: str, said: str = SAID) -> search.QuoteMatch:
    return compare(words(pasted), _Quote(said), _Article())


NOT, NUM = ["negation"], ["number"]


@pytest.mark.parametrize(
    ("pasted", "kind", "flags"),
    [
        (SAID, "verbatim", []),
        ("we will NOT raise taxes, on working families, by 5 percent this year.", "verbatim", []),
        ("We will not raise taxes on working families", "verbatim", []),  # the first half
        ("We will not raise taxes on families working by 5 percent this year", "near-verbatim", []),
        ("We will not raise taxes on families by 5 percent this year", "near-verbatim", []),
        (
            "We will raise taxes on working families by 5 percent this year",
            "near-verbatim",
            ["negation"],
        ),
        ("We won't raise taxes on working families by 5 percent this year", "near-verbatim", []),
        (
            "We will not raise taxes on working families by 15 percent this year",
            "near-verbatim",
            ["number"],
        ),
        ("We will not raise the taxes of working families this year", "paraphrase", NUM),
        ("Taxes on working families will stay where they are", "different", []),
        ("The harbour will reopen in spring after the repairs", "different", []),
    ],
)
def test_alignment_tells_verbatim_from_reworded_and_flags_material_changes(
    pasted: str, kind: str, flags: list[str]
) -> None:
    match = _compare(pasted)
    assert (match.kind, match.flags) == (kind, flags)


def test_the_diff_marks_added_missing_and_changed_words() -> None:
    match = _compare("We will raise taxes on working families by 15 percent this year")
    changes = [(step.kind, step.pasted, step.found) for step in match.diff if step.kind != "same"]
    assert changes == [("missing", "", "not"), ("changed", "15", "5")]


def test_a_pasted_half_of_a_longer_quote_is_verbatim_and_partial() -> None:
    match = _compare("working families by 5 percent this year")
    assert match.kind == "verbatim" and match.partial


def test_the_check_page_and_api_show_the_diff_escaped(syndicated: search.Index) -> None:
    http = httpx.Client(
        transport=httpx.WSGITransport(app=make_app(syndicated)), base_url="http://t"
    )
    pasted = "We will raise taxes on working families by 5 percent this year <script>x</script>"
    api = http.get("/api/check", params={"quote": pasted}).json()
    assert api["found"] and api["speaker"] == "Anna Berg" and api["articles"] == 3
    assert "negation" in api["matches"][0]["flags"]
    page = BeautifulSoup(http.get("/check", params={"quote": pasted}).text, "html.parser")
    assert page.select_one("#verdict").get_text().startswith("Said by Anna Berg")
    first = page.select_one(".match")
    assert [ins.get_text() for ins in first.select(".diff ins")] == ["not"]
    assert "script x script" in [d.get_text() for d in first.select(".diff del")]
    assert page.find("script") is None  # the paste is echoed as text, never as markup
    assert page.select_one("textarea#quote").get_text() == pasted
    assert "differs: a negation" in first.select_one(".flag").get_text()
    assert first.select_one(".source a")["href"].startswith("/article/")


def test_the_check_page_without_a_quote_shows_the_form(syndicated: search.Index) -> None:
    http = httpx.Client(
        transport=httpx.WSGITransport(app=make_app(syndicated)), base_url="http://t"
    )
    page = BeautifulSoup(http.get("/check").text, "html.parser")
    assert page.select_one("form.check-form textarea#quote") is not None
    assert page.select_one("#verdict") is None


def test_every_page_links_to_the_quote_check(client: httpx.Client) -> None:
    for path in ("/", "/search?q=kyiv", "/help"):
        page = BeautifulSoup(client.get(path).text, "html.parser")
        assert page.select_one('header a[href="/check"]') is not None, path


def test_quote_cards_and_the_article_page_link_to_a_check_that_finds_the_quote(
    syndicated: search.Index,
) -> None:
    http = httpx.Client(
        transport=httpx.WSGITransport(app=make_app(syndicated)), base_url="http://t"
    )
    cards = BeautifulSoup(
        http.get("/search", params={"q": "taxes", "view": "quotes"}).text, "html.parser"
    )
    article = BeautifulSoup(http.get("/article/daily.html").text, "html.parser")
    for page in (cards, article):
        link = page.select_one("a.check-link")
        assert link is not None
        answer = BeautifulSoup(http.get(link["href"]).text, "html.parser")
        assert answer.select_one(".match .kind").get_text().startswith("verbatim")
