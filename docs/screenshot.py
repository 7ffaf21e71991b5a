"""Render the README's screenshots in Chromium: the results page for the seed
article, and the quote check's diff for a misremembered quote from it.

Usage: python docs/screenshot.py docs/results.png [docs/check.png]
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import build_index, open_index  # noqa: E402
from search.web import make_app  # noqa: E402
from tests.browser import CHROMIUM_ARGS, require_chromium, serve  # noqa: E402

#: A misremembered version of a quote in the seed article: a word added, the end left off.
CHECKED = "Brave Ukrainians in Kherson keep protesting against the Russian invaders peacefully"


def main(results_png: str, check_png: str) -> None:
    build_index(ROOT / "seeds", ROOT / "index")
    with open_index(ROOT / "index") as ix, serve(make_app(ix)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 520})
        page.goto(url + "/search?q=kherson+protests")
        page.screenshot(path=results_png)
        page.goto(url + "/check?" + urlencode({"quote": CHECKED}))
        page.screenshot(path=check_png, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*(sys.argv[1:] + ["docs/results.png", "docs/check.png"][len(sys.argv) - 1 :])[:2])
