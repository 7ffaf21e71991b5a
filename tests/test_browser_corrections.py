"""Suggesting a correction in a real browser (Debian's Chromium through Playwright)
against the real server (`serve --corrections`, two gunicorn worker processes)."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from search import build_index, open_index
from search.corrections import FILENAME
from search.web import make_app

from .browser import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HARBOUR = (
    "Harbour to reopen in spring\n\n"
    '"The harbour will reopen in spring," the mayor, Tom Lund, said on Monday.\n\n'
    "Repairs to the quay began last year after the winter storms.\n"
)
FARES = (
    "Ferry fares to rise\n\n"
    '"Fares at the harbour must rise by a tenth," Tom Lund told the council on Friday.\n\n'
    "Ferry crews have asked for new boats since the winter storms.\n"
)


@dataclass(frozen=True)
class Site:
    url: str
    folder: Path


def _folder(root: Path) -> Path:
    folder = root / "articles"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR)
    (folder / "fares.txt").write_text(FARES)
    for number in range(6):
        (folder / f"school-{number}.txt").write_text(
            f"School {number} to open a new library\n\n"
            f'"Pupils in school {number} will read more," said Head Teacher {number}.\n'
        )
    build_index(folder, root / "index")
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`python -m search serve --corrections FOLDER` with two worker processes."""
    root = tmp_path_factory.mktemp("writable")
    folder = _folder(root)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search",
            "serve",
            "--index",
            str(root / "index"),
            "--corrections",
            str(folder),
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"{url}/healthz", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start: {server.stderr and server.stderr.read()}")
        yield Site(url, folder)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app without --corrections, as `serve` starts it by default."""
    root = tmp_path_factory.mktemp("read-only")
    folder = _folder(root)
    with open_index(root / "index") as ix, serve(make_app(ix)) as url:
        yield Site(url, folder)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _speaker_counts(page: Page, url: str) -> dict[str, str]:
    page.goto(url + "/search?q=harbour")
    names = page.locator("#facet-speaker .value").all_inner_texts()
    counts = page.locator("#facet-speaker .count").all_inner_texts()
    return dict(zip(names, counts, strict=True))


def test_suggest_a_speaker_confirm_and_see_it_marked_and_counted(
    page: Page, writable: Site
) -> None:
    assert _speaker_counts(page, writable.url) == {"Tom Lund": "2"}
    page.goto(writable.url + "/article/harbour.txt")
    page.get_by_text("Suggest a correction").click()
    form = page.locator("form.suggest-speaker")
    form.get_by_label("Quote").select_option(
        label="“The harbour will reopen in spring,” — Tom Lund"
    )
    form.get_by_label("was said by").fill("Anna Berg")
    form.get_by_role("button", name="Suggest speaker").click()

    expect(page.locator("h1")).to_have_text("Confirm the correction")
    expect(page.locator(".change")).to_contain_text("from Tom Lund to Anna Berg")
    assert not (writable.folder / FILENAME).exists()  # nothing written before confirming
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator(".notice.saved")).to_be_visible()
    speaker = page.locator(".quotes .speaker").first
    expect(speaker).to_contain_text("Anna Berg")
    expect(speaker.locator(".correction")).to_have_text("correction")
    [line] = (writable.folder / FILENAME).read_text().splitlines()
    assert json.loads(line)["speaker"] == "Anna Berg"
    # Either worker process may answer: both follow the new commit.
    for _ in range(4):
        assert _speaker_counts(page, writable.url) == {"Anna Berg": "1", "Tom Lund": "1"}


def test_a_form_on_another_site_cannot_write(page: Page, writable: Site) -> None:
    path = writable.folder / FILENAME
    before = path.read_bytes() if path.exists() else b""
    page.goto(writable.url + "/article/fares.txt")
    sha = page.locator("form.suggest-speaker input[name=version]").get_attribute("value")
    evil = (
        f'<form method="post" action="{writable.url}/corrections/fares.txt">'
        f'<input name="version" value="{sha}"><input name="kind" value="speaker">'
        '<input name="target" value="quote:0"><input name="speaker" value="Mallory">'
        '<input name="confirm" value="yes"><button>go</button></form>'
    ).encode()

    def other_site(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [evil]

    with serve(other_site) as other:
        page.goto(other)
        with page.expect_navigation():
            page.get_by_role("button", name="go").click()
    expect(page.locator("body")).to_contain_text("only from this site")
    assert (path.read_bytes() if path.exists() else b"") == before


def test_two_workers_taking_suggestions_at_once_keep_every_line_and_apply_each(
    writable: Site,
) -> None:
    ids = [f"school-{number}.txt" for number in range(6)]

    def suggest(article_id: str) -> int:
        # Six corrections queue for the index's write lock, one article re-indexed each.
        with httpx.Client(
            base_url=writable.url, headers={"Origin": writable.url}, timeout=60
        ) as client:
            page = client.get(f"/article/{article_id}").text
            version = re.search(r'name="version" value="(\w+)"', page)
            assert version is not None
            form = {"version": version[1], "kind": "speaker", "target": "quote:0"}
            form |= {"speaker": f"Reader of {article_id}", "confirm": "yes"}
            return client.post(f"/corrections/{article_id}", data=form).status_code

    with ThreadPoolExecutor(len(ids)) as pool:
        assert list(pool.map(suggest, ids)) == [303] * len(ids)
    lines = [json.loads(line) for line in (writable.folder / FILENAME).read_text().splitlines()]
    assert sorted(line["speaker"] for line in lines if line["article"] in ids) == sorted(
        f"Reader of {article_id}" for article_id in ids
    )
    for article_id in ids:
        speakers = httpx.get(f"{writable.url}/api/articles/{article_id}").json()["quotes"]
        assert [q["speaker"] for q in speakers] == [f"Reader of {article_id}"]


def test_a_read_only_server_shows_how_to_enable_and_writes_nothing(
    page: Page, read_only: Site
) -> None:
    page.goto(read_only.url + "/article/harbour.txt")
    page.get_by_text("Suggest a correction").click()
    expect(page.locator(".suggest")).to_contain_text("--corrections SEEDS_DIR")
    expect(page.locator(".suggest form")).to_have_count(0)
    response = httpx.post(
        read_only.url + "/corrections/harbour.txt",
        data={"kind": "drop", "target": "quote:0", "confirm": "yes"},
        headers={"Origin": read_only.url},
    )
    assert response.status_code == 403
    assert not (read_only.folder / FILENAME).exists()
