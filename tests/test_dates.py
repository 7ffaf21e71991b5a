"""Sorting by date, date ranges and the histogram, on dated HTML pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import search
from search import build_index, open_index
from search.dates import find_date
from search.web import make_app

_PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{date}"></head>
<body><article><p>{body}</p></article></body></html>"""
_STORIES = {
    "old.html": (
        "Harbour plans approved",
        "2003-02-10",
        "The harbour plan was approved by the council.",
    ),
    "mid.html": ("Harbour opens", "2004-07-01", "The harbour opened after years of harbour works."),
    "new.html": ("Harbour busy", "2005-03-14", "The harbour was busy all week with boats."),
    "undated.txt": ("Harbour notes", "", "A harbour story without a date."),
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.Index]:
    folder = tmp_path_factory.mktemp("dated")
    for name, (title, date, body) in _STORIES.items():
        if name.endswith(".html"):
            (folder / name).write_text(_PAGE.format(title=title, date=date, body=body))
        else:
            (folder / name).write_text(f"{title}\n\n{body}\n")
    index_dir = tmp_path_factory.mktemp("dated-ix")
    build_index(folder, index_dir)
    with open_index(index_dir) as ix:
        yield ix


def test_newest_first_puts_undated_articles_last(dated: search.Index) -> None:
    ids = [h.id for h in dated.search("harbour", sort="newest").hits]
    assert ids == ["new.html", "mid.html", "old.html", "undated.txt"]


def test_date_range_keeps_articles_dated_inside_it(dated: search.Index) -> None:
    assert {h.id for h in dated.search("harbour", since="2004").hits} == {"mid.html", "new.html"}
    assert [h.id for h in dated.search("harbour", since="2004-01", until="2004-12").hits] == [
        "mid.html"
    ]
    assert [h.id for h in dated.search("harbour", until="2003-02-10").hits] == ["old.html"]
    assert dated.search("harbour", since="2004").total == 2


def test_histogram_counts_results_per_year(dated: search.Index) -> None:
    assert dated.search("harbour").histogram == {"2003": 1, "2004": 1, "2005": 1}
    assert dated.search("approved").histogram == {"2003": 1}


@pytest.mark.parametrize("bad", ["yesterday", "2005-13", "05/03/2005", "2005-02-30"])
def test_a_date_that_is_not_a_date_is_refused_with_the_form_to_use(
    dated: search.Index, bad: str
) -> None:
    with pytest.raises(search.SearchError, match="like 2005, 2005-03 or 2005-03-14"):
        dated.search("harbour", since=bad)


def test_web_sorts_filters_by_date_and_draws_the_histogram(dated: search.Index) -> None:
    http = httpx.Client(transport=httpx.WSGITransport(app=make_app(dated)), base_url="http://t")
    page = http.get("/search", params={"q": "harbour", "sort": "newest", "since": "2004"})
    assert page.status_code == 200
    assert '<a href="/article/new.html?q=harbour">' in page.text
    assert page.text.index("new.html") < page.text.index("mid.html")
    assert page.text.count('class="bar ') == 2
    api = http.get("/api/search", params={"q": "harbour", "sort": "newest"}).json()
    assert api["hits"][0]["id"] == "new.html" and api["sort"] == "newest"
    for params in ({"since": "soon"}, {"sort": "oldest"}):
        assert http.get("/search", params={"q": "harbour", **params}).status_code == 400
        assert http.get("/api/search", params={"q": "harbour", **params}).status_code == 400


def test_undated_index_has_no_histogram(ix: search.Index, tmp_path: Path) -> None:
    assert ix.search("kyiv").histogram == {}


@pytest.mark.parametrize(
    ("paragraphs", "path", "expected"),
    [
        (["Published: 3 March 2005", "Body text."], "a.txt", "2005-03-03"),
        (["LONDON, March 14, 2005 - The harbour opened today.", "More."], "a.txt", "2005-03-14"),
        (["Updated 2004-07-01 10:00", "Body."], "a.txt", "2004-07-01"),
        (["A body that mentions nothing of the kind."], "2005/03/14/story.txt", "2005-03-14"),
        (["Body."], "news/2004-11-story.txt", "2004-11-01"),
        (["Body."], "20050314_story.txt", "2005-03-14"),
        (["The 2005 budget was cut."], "business/042.txt", None),
        (["Body."], "2005-13-40.txt", None),
        (["x" * 100 + " on 3 March 2005 the council met."], "a.txt", None),
    ],
)
def test_dates_come_from_a_date_line_a_dateline_or_the_path(
    paragraphs: list[str], path: str, expected: str | None
) -> None:
    assert find_date(paragraphs, path) == expected


def test_a_text_file_with_a_date_line_is_dated(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    (folder / "2004").mkdir(parents=True)
    (folder / "a.txt").write_text("Harbour news\n\nPublished: 3 March 2005\n\nThe harbour.\n")
    (folder / "2004" / "11-b.txt").write_text("Harbour again\n\nThe harbour reopened.\n")
    build_index(folder, tmp_path / "ix")
    with open_index(tmp_path / "ix") as ix:
        assert ix.article("a.txt").date == "2005-03-03"
        assert ix.article("2004/11-b.txt").date == "2004-11-01"


@pytest.fixture(scope="module")
def undated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[search.Index]:
    folder = tmp_path_factory.mktemp("undated")
    for name in ("one", "two"):
        (folder / f"{name}.txt").write_text(f"Harbour {name}\n\nThe harbour story {name}.\n")
    index_dir = tmp_path_factory.mktemp("undated-ix")
    build_index(folder, index_dir)
    with open_index(index_dir) as ix:
        yield ix


def test_an_undated_corpus_says_sorting_and_ranges_do_not_apply(undated: search.Index) -> None:
    for options in ({"sort": "newest"}, {"since": "2004"}, {"until": "2005-06"}):
        results = undated.search("harbour", **options)  # type: ignore[arg-type]
        assert results.total == 2
        assert (
            results.notice is not None and "No article in this index has a date" in results.notice
        )
    assert undated.search("harbour").notice is None


def test_the_undated_notice_is_on_the_page_and_in_the_json(undated: search.Index) -> None:
    transport = httpx.WSGITransport(app=make_app(undated))
    with httpx.Client(transport=transport, base_url="http://testserver") as client:
        data = client.get("/api/search", params={"q": "harbour", "sort": "newest"}).json()
        assert "has a date" in data["notice"] and data["total"] == 2
        page = client.get("/search", params={"q": "harbour", "since": "2004"}).text
        assert "No article in this index has a date" in page
