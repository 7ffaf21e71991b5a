"""Render the README's screenshot: the results page for the seed article, in Chromium.

Usage: python docs/screenshot.py docs/results.png  (after `make index`)
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import build_index, open_index  # noqa: E402
from search.web import make_app  # noqa: E402
from tests.browser import CHROMIUM_ARGS, require_chromium, serve  # noqa: E402


def main(out: str) -> None:
    build_index(ROOT / "seeds", ROOT / "index")
    with open_index(ROOT / "index") as ix, serve(make_app(ix)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 520})
        page.goto(url + "/search?q=kherson+protests")
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/results.png")
