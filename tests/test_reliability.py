"""Hostile folders and faults: nothing outside the folder is read, no bad file or
name stops a run, the library works from a plain script, and every fault (disk
full, read-only folder, damaged index, kill -9) ends in a message and a state
that the next run repairs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import search
from search import IndexWriteError, build_index, open_index
from search.web import make_app

from .processes import alive, descendants

SECRET = "zanzibarquokka"  # a word only the file outside the folder holds


_WORDS = ("harbour", "bridge", "budget", "tram", "school", "river", "market", "hospital")


def _story(number: int) -> str:
    """A short article; different numbers give different words (not near-duplicates)."""
    rng = random.Random(number)
    filler = " ".join(rng.choice(_WORDS) + str(rng.randrange(1000)) for _ in range(40))
    return (
        f"Council story {number}\n\n"
        f"The council in Leeds approved plan number {number} on Tuesday, "
        f'the mayor said. "We will build it," she told reporters. {filler}\n'
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder with one good article and every kind of entry that must not stop a run."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"Secret\n\nThe {SECRET} password is hunter2.\n")
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(_story(1))
    (folder / "sub" / "inner.txt").write_text(_story(2))
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "outdir").symlink_to(outside)
    (folder / "alias.txt").symlink_to(folder / "good.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (folder / "loop1").symlink_to(folder / "loop2")
    (folder / "loop2").symlink_to(folder / "loop1")
    (folder / "subdir-link").symlink_to(folder / "sub")
    (folder / ".hidden.txt").write_text(f"Hidden\n\n{SECRET}\n")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(outside / "pipe.txt")
    (folder / "pipe-out.txt").symlink_to(outside / "pipe.txt")
    return folder


def test_links_out_of_the_folder_are_refused_and_every_skip_is_reported(
    hostile: Path, tmp_path: Path
) -> None:
    stats = build_index(hostile, tmp_path / "ix")
    reasons = {Path(p.path).name: p.reason for p in stats.ignored}
    assert "outside the folder: refused" in reasons["secret.txt"]
    assert "outside the folder: refused" in reasons["outdir"]
    assert "outside the folder: refused" in reasons["pipe-out.txt"]
    assert "broken link" in reasons["dangling.txt"]
    assert "loops" in reasons["loop1"] and "loops" in reasons["loop2"]
    assert "not followed" in reasons["subdir-link"]
    assert reasons[".hidden.txt"] == "hidden"
    assert "FIFO" in reasons["pipe.txt"]
    assert stats.failed == []
    with open_index(tmp_path / "ix") as ix:
        assert ix.search(SECRET).total == 0
        assert ix.search("hunter2").total == 0
        hits = ix.search("council", page_size=50).hits
    ids = {hit.id for hit in hits} | {copy for hit in hits for copy in hit.similar}
    assert ids == {"good.txt", "sub/inner.txt", "alias.txt"}  # the link to good.txt is a copy


def test_a_file_name_that_is_not_utf8_is_indexed_and_the_rest_committed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(_story(1))
    Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt")).write_text("Caf\n\nA story about tea.\n")
    stats = build_index(folder, tmp_path / "ix")
    assert stats.added == 2 and stats.failed == []
    assert any("not UTF-8" in w.reason for w in stats.warnings)
    with open_index(tmp_path / "ix") as ix:
        hit = ix.search("tea").hits[0]
        assert hit.id == "caf\\xe9.txt"
        assert ix.article(hit.id).path.endswith("caf\\xe9.txt")


def test_cli_prints_a_run_over_a_hostile_folder_without_a_traceback(
    hostile: Path, tmp_path: Path
) -> None:
    Path(os.fsdecode(bytes(hostile) + b"/na\xefve.txt")).write_text(_story(3))
    result = _run_cli("index", str(hostile), "--index", str(tmp_path / "ix"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "na\\xefve.txt" in result.stderr
    assert "4 added" in result.stdout


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *args], capture_output=True, text=True, timeout=120
    )


def _many_articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:04d}.txt").write_text(_story(number))
    return folder


@pytest.mark.slow
def test_library_runs_from_a_script_without_a_main_guard(tmp_path: Path) -> None:
    """forkserver/spawn workers re-import the caller's __main__: a script without a
    guard must not index again inside a worker (it used to end in BrokenProcessPool)."""
    folder = _many_articles(tmp_path / "articles", 80)  # more than starts a worker pool
    script = tmp_path / "example.py"
    script.write_text(
        "import search\n"
        f"stats = search.build_index({str(folder)!r}, {str(tmp_path / 'ix')!r})\n"
        "print(stats.summary())\n"
        f"with search.open_index({str(tmp_path / 'ix')!r}) as ix:\n"
        "    print(ix.search('council').total)\n"
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("80 added")
    assert result.stdout.splitlines()[1] == "80"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find child processes")
def test_kill_9_of_the_indexer_leaves_no_process_and_the_index_opens(tmp_path: Path) -> None:
    folder = _many_articles(tmp_path / "articles", 1000)
    indexer = subprocess.Popen(
        [sys.executable, "-m", "search", "index", str(folder), "--index", str(tmp_path / "ix")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 3 and indexer.poll() is None:
        workers = descendants(indexer.pid)  # resource tracker, forkserver, worker
        time.sleep(0.05)
    assert indexer.poll() is None and len(workers) >= 3, "the indexer started no workers"
    indexer.send_signal(signal.SIGKILL)
    indexer.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]
    stats = build_index(folder, tmp_path / "ix", workers=0)
    assert stats.documents == 1000 and stats.failed == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 800 KB filesystem (tmpfs), for disk-full and read-only faults."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=800k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("workers", [0, 2])
def test_disk_full_says_so_removes_what_it_wrote_and_keeps_the_index(
    small_disk: Path, tmp_path: Path, workers: int
) -> None:
    small = _many_articles(tmp_path / "small", 3)
    build_index(small, small_disk / "ix")
    before = _files(small_disk / "ix")
    big = tmp_path / "big"
    big.mkdir()
    for number in range(60):  # ~1.5 MB of distinct words: more than the disk holds
        words = " ".join(f"w{number}x{i}" for i in range(2500))
        (big / f"{number}.txt").write_text(f"Big {number}\n\n{words}\n")
    for path in small.iterdir():
        (big / path.name).write_text(path.read_text())
    for number in range(70):  # enough files for two worker processes
        (big / f"short-{number}.txt").write_text(_story(number))
    with pytest.raises(IndexWriteError, match=r"No space left.*Free some space and run"):
        build_index(big, small_disk / "ix", workers=workers)
    assert _files(small_disk / "ix") == before
    with open_index(small_disk / "ix") as ix:
        assert len(ix) == 3
    stats = build_index(small, small_disk / "ix")  # the lock was released: a run goes through
    assert stats.unchanged == 3


def test_read_only_index_folder_says_what_to_do(small_disk: Path, tmp_path: Path) -> None:
    articles = _many_articles(tmp_path / "articles", 3)
    build_index(articles, small_disk / "ix")
    (articles / "0000.txt").write_text(_story(99))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(IndexWriteError, match=r"Cannot write to the index folder.*--index"):
        build_index(articles, small_disk / "ix")
    result = _run_cli("index", str(articles), "--index", str(small_disk / "ix"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: Cannot write")


@pytest.mark.parametrize("damage", ["garbage TOC", "truncated segment", "corrupted segment"])
def test_index_repairs_a_damaged_index_and_search_says_to_run_it(
    damage: str, articles_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "ix"
    build_index(articles_copy, index_dir)
    if damage == "garbage TOC":
        for toc in index_dir.glob("_MAIN_*.toc"):
            toc.write_bytes(os.urandom(3000))
    for segment in index_dir.glob("MAIN_*.*"):  # a segment's files (not the lock)
        data = bytearray(segment.read_bytes())
        if damage == "truncated segment":
            data = data[: len(data) // 3]
        elif damage == "corrupted segment":
            data[200:-200] = bytes(b ^ 0x5A for b in data[200:-200])
        segment.write_bytes(bytes(data))
    with pytest.raises(search.CorruptIndexError, match="python -m search index"):
        open_index(index_dir).search("kyiv")
    stats = build_index(articles_copy, index_dir)
    assert stats.rebuilt is not None and "damaged" in stats.rebuilt
    assert stats.added == 4
    with open_index(index_dir) as ix:
        assert ix.search("kyiv").total > 0


def test_a_toc_deleted_under_a_running_app_is_a_503_everywhere_then_recovers(
    articles_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "ix"
    build_index(articles_copy, index_dir)
    with open_index(index_dir) as ix:
        transport = httpx.WSGITransport(app=make_app(ix), raise_app_exceptions=False)
        http = httpx.Client(transport=transport, base_url="http://t")
        assert http.get("/search", params={"q": "kyiv"}).status_code == 200
        for toc in index_dir.glob("_MAIN_*.toc"):
            toc.unlink()
        for path in ("/healthz", "/", "/search?q=budget", "/api/search?q=budget"):
            assert http.get(path).status_code == 503, path
        build_index(articles_copy, index_dir)
        assert http.get("/healthz").json()["status"] == "ok"
        assert http.get("/api/search", params={"q": "kyiv"}).json()["total"] > 0


def test_utf16_with_a_bom_is_read_and_stray_nul_bytes_never_reach_the_body(
    tmp_path: Path,
) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Kyiv talks\n\nTalks in Kyiv went on late.\n".encode("utf-16"))
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Late NUL\n\n" + b"word " * 2000 + b"\x00\x00tail\x01 text\n")
    assert search.parse_article(utf16).paragraphs == ("Talks in Kyiv went on late.",)
    body = search.parse_article(nul).body
    assert "\x00" not in body and "\x01" not in body and body.endswith("tail text")


def test_a_page_of_10000_nested_divs_is_read(tmp_path: Path) -> None:
    """Boilerplate stripping used to be quadratic in nesting (minutes for this page)."""
    page = tmp_path / "nested.html"
    deep = "<div>" * 10_000 + "<p>The bottom of the page holds the story.</p>" + "</div>" * 10_000
    page.write_text(f"<html><head><title>Deep</title></head><body>{deep}</body></html>")
    assert "The bottom of the page holds the story." in search.parse_article(page).body


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "/relative"]
)
def test_only_http_urls_from_a_page_become_its_link(url: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f'<html><head><title>T</title><meta property="og:url" content="{url}">'
        '<link rel="canonical" href="https://news.example/story"></head>'
        "<body><p>The story is short but has enough words to be read.</p></body></html>"
    )
    assert search.parse_article(page).url == "https://news.example/story"


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("news.example:8080", "http://news.example:8080/search"),
        ("[::1]:8080", "http://[::1]:8080/search"),
        ('evil.example"/><script>', "http://testserver:80/search"),
        ("evil.example/path?x=", "http://testserver:80/search"),
    ],
)
def test_opensearch_never_echoes_a_host_header_that_is_not_a_host(
    host: str, shown: str, client: httpx.Client
) -> None:
    page = client.get("/opensearch.xml", headers={"Host": host})
    assert f'template="{shown}?q={{searchTerms}}"' in page.text
    assert "evil" not in page.text
