"""Suggesting a correction from the article page, driven in-process through WSGI: the
write happens only with the flag, only from this site, only after confirming, only
for the article's own passages; then the article is re-indexed and shows it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from search import build_index, cli, open_index
from search.corrections import FILENAME
from search.engine import index
from search.web import make_app, suggest

BASE = "http://news.test"
SAME_SITE = {"Origin": BASE}
STORY = (
    "Harbour row\n\n"
    '"The harbour will reopen in spring," the mayor, Tom Lund, said on Monday.\n\n'
    "Source: the quay will open first, the harbour board said.\n\n"
    "Repairs began in Tromso last year.\n"
)
OTHER = (
    "Ferry fares to rise\n\n"
    '"Fares at the harbour must rise by a tenth," Tom Lund told the council on Friday.\n\n'
    "Ferry crews have asked for new boats since the winter storms.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(STORY)
    (articles / "b.txt").write_text(OTHER)
    build_index(articles, tmp_path / "ix")
    return articles


def _client(folder: Path, *, writable: bool = True) -> Iterator[httpx.Client]:
    with open_index(folder.parent / "ix") as ix:
        app = make_app(ix, corrections=folder if writable else None)
        transport = httpx.WSGITransport(app=app)
        with httpx.Client(transport=transport, base_url=BASE) as client:
            yield client


@pytest.fixture
def client(folder: Path) -> Iterator[httpx.Client]:
    yield from _client(folder)


@pytest.fixture
def read_only(folder: Path) -> Iterator[httpx.Client]:
    yield from _client(folder, writable=False)


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _form(client: httpx.Client, kind: str, target: str, **extra: str) -> dict[str, str]:
    sha = _soup(client.get("/article/a.txt")).select_one("input[name=version]")["value"]
    return {"version": sha, "kind": kind, "target": target, **extra}


def _speaker_facet(client: httpx.Client) -> dict[str, int]:
    facets = client.get("/api/search", params={"q": "harbour"}).json()["facets"]["speaker"]
    return {facet["value"]: facet["count"] for facet in facets}


def _lines(folder: Path) -> list[dict[str, object]]:
    path = folder / FILENAME
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_read_only_server_says_how_to_enable_corrections_and_refuses_writes(
    read_only: httpx.Client, folder: Path
) -> None:
    page = _soup(read_only.get("/article/a.txt"))
    assert "--corrections SEEDS_DIR" in page.select_one(".suggest").get_text()
    assert page.select(".suggest form") == []
    form = {"version": "x", "kind": "speaker", "target": "quote:0", "speaker": "Anna Berg"}
    response = read_only.post("/corrections/a.txt", data={**form, "confirm": "yes"})
    assert response.status_code == 403
    assert "read-only" in response.text
    assert not (folder / FILENAME).exists()
    assert read_only.get("/corrections/a.txt").status_code == 405


def test_suggesting_asks_to_confirm_then_writes_and_the_page_shows_the_correction(
    client: httpx.Client, folder: Path
) -> None:
    assert _speaker_facet(client) == {"Tom Lund": 2}
    form = _form(client, "speaker", "quote:0", speaker="Anna Berg")
    confirm = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert confirm.status_code == 200
    assert "from Tom Lund to Anna Berg" in _soup(confirm).select_one(".change").get_text()
    assert not (folder / FILENAME).exists()  # nothing written before confirming
    hidden = {i["name"]: i["value"] for i in _soup(confirm).select("form input[type=hidden]")}
    assert hidden["confirm"] == "yes"
    done = client.post("/corrections/a.txt", data=hidden, headers=SAME_SITE)
    assert done.status_code == 303 and done.headers["location"].endswith(
        "/article/a.txt?corrected=1"
    )
    [line] = _lines(folder)
    assert line["article"] == "a.txt" and line["speaker"] == "Anna Berg"
    assert line["quote"] == "The harbour will reopen in spring,"
    page = _soup(client.get("/article/a.txt?corrected=1"))
    assert page.select_one(".notice.saved") is not None
    speaker = page.select_one(".quotes .speaker")
    assert "Anna Berg" in speaker.get_text() and speaker.select_one(".correction") is not None
    assert _speaker_facet(client) == {"Anna Berg": 1, "Tom Lund": 1}


def test_a_post_from_another_site_or_with_no_origin_is_refused(
    client: httpx.Client, folder: Path
) -> None:
    form = _form(client, "speaker", "quote:0", speaker="Anna Berg", confirm="yes")
    for headers in (
        {"Origin": "http://evil.test"},
        {"Origin": "null"},
        {"Referer": "http://evil.test/page"},
        {"Origin": BASE, "Sec-Fetch-Site": "cross-site"},
        {},
    ):
        response = client.post("/corrections/a.txt", data=form, headers=headers)
        assert response.status_code == 403, headers
    assert not (folder / FILENAME).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "speaker", "target": "quote:7", "speaker": "X"}, "not in this article"),
        ({"kind": "speaker", "target": "place:0", "speaker": "X"}, "Choose the quote"),
        ({"kind": "speaker", "target": "quote:0", "speaker": "  "}, "Give the name"),
        ({"kind": "speaker", "target": "quote:0", "speaker": "x" * 101}, "at most 100"),
        ({"kind": "speaker", "target": "quote:0", "speaker": "Tom Lund"}, "already the speaker"),
        ({"kind": "rename", "target": "quote:0"}, "Choose what to correct"),
        ({"kind": "restore", "target": "quote:0"}, "Choose the quote"),
        ({"kind": "resolve", "target": "place:0", "country": "Norway"}, "two-letter ISO"),
        ({"kind": "resolve", "target": "place:0"}, "or its country, or both"),
    ],
)
def test_a_suggestion_must_name_one_of_the_articles_own_passages(
    client: httpx.Client, folder: Path, change: dict[str, str], message: str
) -> None:
    form = {**_form(client, "", ""), **change, "confirm": "yes"}
    response = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert response.status_code == 400 and message in response.text
    assert not (folder / FILENAME).exists()


def test_a_suggestion_for_an_article_changed_since_is_refused(
    client: httpx.Client, folder: Path
) -> None:
    stale = {**_form(client, "drop", "place:0"), "version": "0" * 64, "confirm": "yes"}
    assert client.post("/corrections/a.txt", data=stale, headers=SAME_SITE).status_code == 409
    (folder / "a.txt").write_text(STORY + "\nEdited after indexing.\n")
    edited = client.post(
        "/corrections/a.txt",
        data={**_form(client, "drop", "place:0"), "confirm": "yes"},
        headers=SAME_SITE,
    )
    assert edited.status_code == 409 and "has changed since it was indexed" in edited.text
    assert not (folder / FILENAME).exists()


def test_a_confirmation_sent_twice_writes_once(client: httpx.Client, folder: Path) -> None:
    form = _form(client, "drop", "quote:0", confirm="yes")
    assert client.post("/corrections/a.txt", data=form, headers=SAME_SITE).status_code == 303
    again = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert again.status_code == 409 and "changed since you opened it" in again.text
    assert len(_lines(folder)) == 1


def test_a_speaker_is_stored_as_text_and_shown_escaped(client: httpx.Client, folder: Path) -> None:
    evil = '<img src=x onerror="alert(1)">\x00Ann'
    form = _form(client, "speaker", "quote:0", speaker=evil, confirm="yes")
    assert client.post("/corrections/a.txt", data=form, headers=SAME_SITE).status_code == 303
    assert _lines(folder)[0]["speaker"] == '<img src=x onerror="alert(1)"> Ann'
    page = client.get("/article/a.txt")
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text


def test_a_wrongly_removed_line_can_be_restored_and_is_then_searchable(
    client: httpx.Client, folder: Path
) -> None:
    assert client.get("/api/search", params={"q": "quay"}).json()["total"] == 0
    form = _form(client, "restore", "removed:0", confirm="yes")
    assert client.post("/corrections/a.txt", data=form, headers=SAME_SITE).status_code == 303
    assert _lines(folder)[0]["restore"].startswith("Source: the quay")
    hits = client.get("/api/search", params={"q": "quay"}).json()["hits"]
    assert [hit["id"] for hit in hits] == ["a.txt"]
    restored = _soup(client.get("/article/a.txt")).select_one("p.restored")
    assert restored["id"] == "p-1" and "restored by a correction" in restored.get_text()


def test_a_place_can_be_resolved_and_the_country_facet_follows(
    client: httpx.Client, folder: Path
) -> None:
    form = _form(client, "resolve", "place:0", canonical="Tromsø", country="se")
    confirm = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert "to Tromsø, SE (now Tromsø, NO)" in _soup(confirm).select_one(".change").get_text()
    hidden = {i["name"]: i["value"] for i in _soup(confirm).select("form input[type=hidden]")}
    assert client.post("/corrections/a.txt", data=hidden, headers=SAME_SITE).status_code == 303
    assert _lines(folder)[0]["country"] == "SE"
    place = _soup(client.get("/article/a.txt")).select_one(".places li")
    assert "SE" in place.get_text() and place.select_one(".correction") is not None
    countries = client.get("/api/search", params={"q": "harbour"}).json()["facets"]["country"]
    assert "Sweden" in [facet["value"] for facet in countries]


def test_a_full_disk_or_a_read_only_file_is_an_error_page_not_a_500(
    client: httpx.Client, folder: Path
) -> None:
    form = _form(client, "drop", "place:0", confirm="yes")
    (folder / FILENAME).symlink_to("/dev/full")  # every write fails with ENOSPC
    full = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert full.status_code == 503 and "No space left" in full.text
    (folder / FILENAME).unlink()
    # sysfs refuses writes to this file even to root, as a read-only mount would.
    (folder / FILENAME).symlink_to("/sys/class/net/lo/address")
    locked = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    assert locked.status_code == 503 and "not saved" in locked.text
    assert "writable" in locked.text


def test_a_busy_index_keeps_the_correction_and_says_when_it_will_show(
    client: httpx.Client, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggest, "REINDEX_WAIT", 0.2)
    form = _form(client, "drop", "place:0", confirm="yes")
    other = index.open_dir(str(folder.parent / "ix")).writer()  # another indexer's lock
    try:
        response = client.post("/corrections/a.txt", data=form, headers=SAME_SITE)
    finally:
        other.cancel()
    assert response.status_code == 202 and "next `python -m search index` run" in response.text
    assert _lines(folder)[0]["drop"] is True
    build_index(folder, folder.parent / "ix")
    assert client.get("/api/articles/a.txt").json()["locations"] == []


def test_serve_refuses_a_corrections_folder_that_does_not_exist(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["serve", "--index", str(folder.parent / "ix"), "--corrections", str(folder / "no")]
    assert cli.main(argv) == 2
    assert "give --corrections the folder the index was built from" in capsys.readouterr().err


def test_two_processes_appending_at_once_never_interleave_lines(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from search.corrections import append\n"
        "for n in range(300):\n"
        "    append(Path(sys.argv[1]), {'article': sys.argv[2], 'sha256': 'x' * 64,"
        " 'quote': 'q' * 3000, 'speaker': str(n)})\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), name])
        for name in ("one", "two")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    lines = (tmp_path / FILENAME).read_text().splitlines()
    assert len(lines) == 600
    entries = [json.loads(line) for line in lines]  # each a whole line
    assert sorted(e["article"] for e in entries) == ["one"] * 300 + ["two"] * 300
