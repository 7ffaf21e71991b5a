"""Real-browser tests: headless Chromium (Debian's) driven by Playwright against waitress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from search import build_index, open_index
from search.web import make_app

from .browser import serve
from .conftest import ARTICLES, write_quoted_articles

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_EVIL_HTML = """<html><head><title>Harbour page</title></head><body><article>
<h1>Harbour <img src=x onerror="window.pwned = 'headline'"></h1>
<p>The harbour board met on Monday. <script>window.pwned = 'script'; alert(1)</script></p>
<p>Boats were counted in the harbour at dawn by the new harbour master.</p>
</article></body></html>"""
_EVIL_TEXT = (
    "Harbour notice <img src=x onerror=\"window.pwned='txt'\">\n\n"
    "The harbour text says <script>alert(1)</script> in plain words.\n"
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("articles")
    for path in ARTICLES.rglob("*.*"):
        target = folder / path.relative_to(ARTICLES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (folder / "evil.html").write_text(_EVIL_HTML)
    (folder / "evil.txt").write_text(_EVIL_TEXT)
    index_dir = tmp_path_factory.mktemp("index")
    build_index(folder, index_dir)
    with open_index(index_dir) as ix, serve(make_app(ix)) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def _pwned(page: Page) -> Any:
    return page.evaluate("() => window.pwned")


def test_type_a_query_see_highlights_and_open_the_article(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Search the articles").fill("protests")
    page.keyboard.press("Enter")
    expect(page.locator("#total")).to_have_text("1")
    first = page.locator("li.hit").first
    expect(first.locator(".snippet mark").first).to_have_text("protesting")
    first.locator("h2 a").click()
    expect(page.locator("h1")).to_have_text("Thousands rally in Kyiv as talks stall")
    expect(page.locator(".story mark").first).to_have_text("protesting")
    expect(page.locator(".quotes")).to_contain_text("Olena Marchenko")


def test_injected_script_never_runs(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=harbour")
    expect(page.locator("li.hit")).to_have_count(2)
    page.locator("li.hit h2 a", has_text="Harbour notice").click()
    expect(page.locator(".story")).to_contain_text("<script>alert(1)</script>")
    page.goto(base_url + "/article/evil.html?q=harbour")
    expect(page.locator(".story mark").first).to_have_text("Harbour")
    page.goto(base_url + "/search?q=" + "%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E")
    expect(page.locator("#q")).to_have_value('<img src=x onerror="window.pwned=1">')
    page.wait_for_load_state("networkidle")
    assert _pwned(page) is None
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_keyboard_only_search(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")  # search box
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("budget")
    page.keyboard.press("Enter")
    expect(page.locator("li.hit h2 a").first).to_contain_text("budget")


def test_readme_screenshot_renders(page: Page, base_url: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1100, "height": 700})
    page.goto(base_url + "/search?q=kyiv+protests")
    shot = page.screenshot(path=str(tmp_path / "results.png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 10_000


def test_did_you_mean_is_one_click_away(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=marchenco")
    expect(page.locator("#total")).to_have_text("0")
    page.locator("#suggestion").click()
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("li.hit h2 a")).to_contain_text("Thousands rally in Kyiv")


def test_facets_filter_the_results_and_stay_in_the_url(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=the+OR+in+OR+said")
    total = int(page.locator("#total").inner_text())
    page.locator("#facet-country a", has_text="Ukraine").click()
    expect(page.locator("#total")).to_have_text("2")
    assert "country=Ukraine" in page.url
    page.locator("#facet-country a", has_text="Poland").click()
    expect(page.locator("#total")).to_have_text("3")
    page.reload()  # a bookmark of the filtered search gives the same page
    expect(page.locator("#total")).to_have_text("3")
    expect(page.locator("#facet-country a.selected")).to_have_count(2)
    page.locator("#facet-country a.selected", has_text="Poland").click()
    page.locator("#facet-country a.selected", has_text="Ukraine").click()
    expect(page.locator("#total")).to_have_text(str(total))


def test_quote_cards_link_to_the_quote_in_the_article(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=honest")
    expect(page.locator("li.hit .snippet")).to_contain_text("— Tomasz Nowak")
    page.locator("#quotes-view").click()
    card = page.locator(".quote-card").first
    expect(card.locator(".speaker")).to_have_text("Tomasz Nowak")
    card.locator("blockquote a").click()
    expect(page.locator("h1")).to_have_text("Finance minister defends budget plan")
    assert "#p-" in page.url
    expect(page.locator("p:target")).to_contain_text("honest")


def test_pagination_walks_to_the_last_page_without_repeats(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=the+OR+in+OR+said+OR+harbour&page_size=2")
    total = int(page.locator("#total").inner_text())
    seen: list[str] = []
    while True:
        seen += [a.get_attribute("href") or "" for a in page.locator("li.hit h2 a").all()]
        following = page.locator("a[rel=next]")
        if following.count() == 0:
            break
        following.click()
    assert len(seen) == total == len(set(seen))
    expect(page.locator(".pages span")).to_contain_text(f"of {(total + 1) // 2}")


@pytest.fixture(scope="module")
def quoted_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An undated corpus of three articles with fifteen harbour quotations."""
    folder = tmp_path_factory.mktemp("quoted")
    write_quoted_articles(folder)
    index_dir = tmp_path_factory.mktemp("quoted-index")
    build_index(folder, index_dir)
    with open_index(index_dir) as ix, serve(make_app(ix)) as url:
        yield url


def test_quotes_view_pages_ten_cards_at_a_time(page: Page, quoted_url: str) -> None:
    page.goto(quoted_url + "/search?q=harbour")
    page.locator("#quotes-view").click()
    expect(page.locator(".quote-card")).to_have_count(10)
    expect(page.locator(".quote-card blockquote mark").first).to_have_text("harbour")
    page.locator('.pages a[rel="next"]').click()
    expect(page.locator(".quote-card")).to_have_count(5)
    expect(page.locator(".pages")).to_contain_text("Page 2 of 2")
    assert "view=quotes" in page.url and "page=2" in page.url


def test_on_a_phone_the_filters_come_first_and_open_on_a_tap(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(base_url + "/search?q=kyiv")
    label = phone.locator("#filters-label")
    expect(label).to_be_visible()
    facet_link = phone.locator(".facet a").first
    expect(facet_link).to_be_hidden()
    label_box, first_hit = label.bounding_box(), phone.locator("li.hit").first.bounding_box()
    assert label_box is not None and first_hit is not None
    assert label_box["y"] < first_hit["y"]
    label.click()
    expect(facet_link).to_be_visible()
    facet_box, hit_box = facet_link.bounding_box(), phone.locator("li.hit").first.bounding_box()
    assert facet_box is not None and hit_box is not None
    assert facet_box["y"] < hit_box["y"]
    context.close()


def test_filters_sit_beside_the_results_on_a_wide_screen(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "/search?q=kyiv")
    expect(page.locator("#filters-label")).to_be_hidden()
    expect(page.locator(".facet a").first).to_be_visible()


def test_article_page_links_its_speakers_and_places_to_searches(page: Page, base_url: str) -> None:
    page.goto(base_url + "/article/world/kyiv-rally.txt?q=rally")
    expect(page.locator(".story .meta").first).to_contain_text("Section: world")
    page.locator(".speakers a", has_text="Olena Marchenko").click()
    expect(page.locator("#facet-speaker a.selected")).to_contain_text("Olena Marchenko")
    expect(page.locator("li.hit h2 a").first).to_contain_text("Thousands rally in Kyiv")
    page.go_back()
    page.locator(".places a", has_text="Kyiv").first.click()
    expect(page.locator("#total")).to_have_text("2")
    page.go_back()
    related = page.locator(".related a").first
    assert (related.get_attribute("href") or "").endswith("?q=rally")


def test_an_undated_corpus_says_newest_first_does_not_apply(page: Page, quoted_url: str) -> None:
    page.goto(quoted_url + "/search?q=harbour")
    page.locator("#sort-newest").click()
    expect(page.locator(".notice")).to_contain_text("No article in this index has a date")
    expect(page.locator("#total")).to_have_text("3")
