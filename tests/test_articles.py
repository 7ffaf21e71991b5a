"""Reading files into articles: plain text, HTML, encodings and files that are not articles."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from search import Article, ArticleError, parse_article
from search.articles import read_article, split_plain_text
from search.textfiles import decode, read_bytes

from .conftest import ARTICLES


def test_plain_text_headline_is_first_non_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\n\n  Floods close the ring road  \n\nWater rose overnight.\nRoads shut.\n")
    article = read_article(path)
    assert article.headline == "Floods close the ring road"
    assert article.paragraphs == ("Water rose overnight.", "Roads shut.")
    assert article.format == "text"


def test_hard_wrapped_lines_are_joined_into_one_paragraph() -> None:
    _, paragraphs = split_plain_text("Title\nThe river rose\nabove the bridge.\nA new paragraph.")
    assert paragraphs == ["The river rose above the bridge.", "A new paragraph."]


def test_html_page_reads_metadata_and_main_text_only() -> None:
    article = parse_article(ARTICLES / "energy-page.html")
    assert article.headline == "Energy prices fall for the third month"
    assert article.outlet == "The Daily Example"
    assert article.author == "Ana Costa"
    assert article.date == "2024-03-05T09:30:00Z"
    assert article.url == "https://example.org/energy-prices"
    body = article.body
    assert "Household energy prices in Lisbon" in body
    assert "Wholesale gas prices" in body
    for junk in (
        "never index this",
        "color: red",
        "Sport headlines menu",
        "Accept all cookies",
        "Share this article",
        "Ten ways to cut",
        "All rights reserved",
    ):
        assert junk not in body


def test_html_falls_back_to_json_ld_and_title(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(
        '<html><head><title>Site title</title><script type="application/ld+json">'
        '{"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", '
        '"headline": "From JSON-LD", "datePublished": "2023-01-02", '
        '"author": {"@type": "Person", "name": "Lee Park"}, '
        '"publisher": {"@type": "Organization", "name": "Example Wire"}}]}'
        "</script></head><body><main><p>The only paragraph of this small test page.</p>"
        "</main></body></html>"
    )
    article = read_article(path)
    assert article.headline == "From JSON-LD"
    assert (article.date, article.author, article.outlet) == (
        "2023-01-02",
        "Lee Park",
        "Example Wire",
    )
    assert article.paragraphs == ("The only paragraph of this small test page.",)


def test_cp1252_file_is_decoded_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Fee agreed\n\nA fee of £15m was agreed for the café.\n".encode("cp1252"))
    article = read_article(path)
    assert article.paragraphs == ("A fee of £15m was agreed for the café.",)
    assert article.encoding == "cp1252"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Zürich\n".encode("utf-8-sig"), "Zürich\n"),
        ("Kyív\n".encode("utf-16"), "Kyív\n"),
        (
            "Привет, мир. Это тест кодировки.\n".encode("cp1251") * 3,
            "Привет, мир. Это тест кодировки.\n" * 3,
        ),
    ],
)
def test_decode_handles_boms_and_other_code_pages(data: bytes, text: str) -> None:
    assert decode(data)[0] == text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n \t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "binary file"),
        (b"x" * 2048, "too large"),
    ],
)
def test_files_that_are_not_articles_raise_with_a_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as raised:
        read_article(path, max_bytes=1024)
    assert reason in raised.value.reason
    assert str(path) in str(raised.value)


def test_unreadable_file_raises_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot be read"):
        read_article(tmp_path / "missing.txt")


def test_article_round_trips_through_a_dict() -> None:
    article = parse_article(ARTICLES / "world" / "kyiv-rally.txt")

    assert Article.from_dict(article.to_dict()) == article


def test_reading_a_small_file_allocates_for_its_size_not_for_the_limit(tmp_path: Path) -> None:
    # A buffer the size of the limit per file kept a memory mapping each: the 65,530th
    # article of a large folder could not be read ("Cannot allocate memory").
    path = tmp_path / "short.txt"
    path.write_text("Headline\n\nOne short paragraph.\n")
    tracemalloc.start()
    try:
        assert read_bytes(path, 256 * 2**20) == path.read_bytes()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_a_file_over_the_limit_is_still_seen_to_be_over_it(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"x" * 5000)
    assert len(read_bytes(path, 4096)) == 4097
