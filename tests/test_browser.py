"""Real-browser tests: headless Chromium (Debian's) driven by Playwright against waitress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from search import build_index, open_index
from search.web import make_app

from .browser import CHROMIUM_ARGS, require_chromium, serve
from .conftest import ARTICLES

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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
