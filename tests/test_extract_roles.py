"""Speaker roles end to end: stored with the quote, shown beside it, never a facet value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from search import build_index, open_index
from search.web import make_app

_ARTICLE = """Harbour deal agreed

Acme Corp agreed to buy the harbour on Monday.

"We are ready to start the harbour works," a spokesman for Acme Corp said.

"The harbour will be busy again," said Ann Lee, the mayor of the town.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("roles")
    (folder / "deal.txt").write_text(_ARTICLE, encoding="utf-8")
    index_dir: Path = tmp_path_factory.mktemp("roles-ix")
    build_index(folder, index_dir, workers=0)
    with open_index(index_dir) as ix:
        transport = httpx.WSGITransport(app=make_app(ix))
        with httpx.Client(transport=transport, base_url="http://t") as http:
            yield http


def test_roles_are_stored_with_quotes_and_are_not_speakers(client: httpx.Client) -> None:
    article = client.get("/api/articles/deal.txt").json()
    quotes = {q["speaker"]: q["role"] for q in article["quotes"]}
    assert quotes == {None: "a spokesman for Acme Corp", "Ann Lee": "the mayor of the town"}
    facets = client.get("/api/search", params={"q": "harbour"}).json()["facets"]
    assert [v["value"] for v in facets["speaker"]] == ["Ann Lee"]


def test_quote_cards_and_article_page_show_the_role(client: httpx.Client) -> None:
    cards = client.get("/api/search", params={"q": "harbour", "view": "quotes"}).json()["quotes"]
    assert {(c["speaker"], c["role"]) for c in cards} == {
        (None, "a spokesman for Acme Corp"),
        ("Ann Lee", "the mayor of the town"),
    }
    page = BeautifulSoup(client.get("/article/deal.txt").text, "html.parser")
    said = [p.get_text(" ", strip=True) for p in page.select("p.speaker")]
    assert any("a spokesman for Acme Corp" in s for s in said)
    assert any("Ann Lee , the mayor of the town" in s or "Ann Lee, the mayor" in s for s in said)
