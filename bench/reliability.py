"""Reliability under kills, concurrent indexing, hostile queries and load (issue 7).

The long-running half of the reliability suite (the fast cases live in tests/).
Everything runs on a copy of the BBC corpus in a temporary folder that is
removed at the end, against servers bound to 127.0.0.1 only, and every loop is
bounded in count and in time, so the script stops by itself and kills what it
started. Failures are not exceptions here: they are counted in the tables.

1. kill -9 at seeded random moments of full and incremental ``python -m search
   index`` runs: does the index open, does a re-run succeed, is any article
   lost (the folder against the index after the re-run), and how many
   processes (worker, forkserver, resource tracker) outlive the killed indexer.
2. An indexer and a server together: request errors while the index changes
   under the server, and seconds until a new article shows in /api/search.
3. Fuzzed queries over /search and /api/search (fields, internal fields,
   ranges, dates, wildcards, fuzzy, boosts, unknown fields, syntax, unicode):
   status counts, p99 and worst latency, server memory before and after.
4. Load from 16 client threads, repeated (cached) and distinct (uncached)
   queries: req/s, p50/p95/p99, errors, server memory.

Usage: python bench/reliability.py [CORPUS_DIR] [--quick] [--kills N] [--fuzz N] ...
(--quick: 400 articles and small counts, 2-3 minutes; in full 31 minutes on two busy
cores, where slow range queries made the fuzz section stop at its 15-minute bound,
--minutes). Linux only: processes are read from /proc.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BBC, ROOT, require, table
from search.folder import discover
from search.queries import QUERYABLE_FIELDS

PYTHON = sys.executable
SCRIPT = str(Path(__file__).resolve())
T = TypeVar("T")


# --------------------------------------------------------------------------- processes


class Processes:
    """Every process this script starts, so that all of them are killed at the end,
    whatever way the script ends (each is the leader of its own session, so a
    server's or an indexer's children go with it)."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.strays: set[int] = set()

    def start(self, args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(args, start_new_session=True, cwd=ROOT, **kwargs)
        self.started.append(process)
        return process

    def run(self, args: list[str], timeout: float) -> tuple[int, str, str]:
        """Run to the end (or kill at ``timeout``): exit code (-9 when killed), stdout, stderr."""
        process = self.start(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(process)
            out, err = process.communicate()
            return -9, out.decode(errors="replace"), err.decode(errors="replace") + "(timed out)"
        self.kill_session(process.pid)  # a clean run must not leave any behind either
        return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.kill()
            process.wait()

    def kill_session(self, sid: int) -> list[int]:
        """Kill what is left of the session ``sid`` (ours: we started its leader)."""
        left = session_members(sid)
        for pid in left:
            _kill_pid(pid)
        return left

    def stop_all(self) -> None:
        for process in self.started:
            self.kill(process)
            self.kill_session(process.pid)
        for pid in self.strays:
            _kill_pid(pid)


def _kill_pid(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes in session ``sid``, from /proc (no psutil needed)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        rest = stat[stat.rindex(")") + 2 :].split()
        state, session = rest[0], int(rest[3])
        if session == sid and state != "Z":
            members.append(int(entry))
    return members


def describe(pid: int) -> str:
    """A short name for a leftover process: worker, forkserver, resource_tracker…

    A worker is forked from the forkserver and so shares its command line: it is
    told apart by its parent."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    parent = int(stat[stat.rindex(")") + 2 :].split()[1])
    if "forkserver" in command:
        return "worker" if describe(parent) == "forkserver" and parent != 1 else "forkserver"
    for name in ("resource_tracker", "spawn_main"):
        if name in command:
            return {"spawn_main": "worker"}.get(name, name)
    return command[:40]


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    """Resident memory of ``pid`` in MB (VmHWM: its peak), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def server_rss_mb(server: Server, key: str = "VmRSS") -> float:
    """Resident memory of the server's largest process in MB: with gunicorn's
    pre-fork workers the parent holds no index, and each worker its own."""
    return max((rss_mb(pid, key) for pid in session_members(server.pid)), default=0.0)


# --------------------------------------------------------------------------- corpus


def copy_corpus(corpus: Path, target: Path, files: int | None) -> None:
    """Copy the corpus (or its first ``files`` articles, spread over its folders)."""
    paths = sorted(p for p in corpus.rglob("*") if p.is_file())
    if files is not None and files < len(paths):
        paths = paths[:: max(1, len(paths) // files)][:files]
    for path in paths:
        destination = target / path.relative_to(corpus)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def article_files(folder: Path) -> set[str]:
    """Ids (relative paths) of the files the indexer should account for: the indexer's
    own discovery decides, so the two never disagree on what an article is."""
    return {file.id for file in discover(folder)[0]}


def change_folder(folder: Path, rng: random.Random, round_: int) -> None:
    """An incremental run's worth of changes: edit enough files that the indexer starts
    its worker pool (64 and more), add a few, delete a few."""
    files = sorted(article_files(folder))
    for name in rng.sample(files, min(len(files) // 3, 80)):
        with (folder / name).open("a", encoding="utf-8") as out:
            out.write(f"\nA reliability edit, round {round_}.\n")
    for number in range(5):
        source = folder / rng.choice(files)
        text = source.read_bytes().decode("utf-8", "replace")
        (source.parent / f"rel-{round_}-{number}.txt").write_text(
            f"Added in round {round_}: {text}", encoding="utf-8"
        )
    for name in rng.sample(files, min(len(files) // 20, 3)):
        (folder / name).unlink()


def corpus_words(folder: Path, limit: int = 5000) -> list[str]:
    words: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.txt"))[:400]:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", path.read_text("latin-1")))
    return [w for w, _ in words.most_common(limit)]


# --------------------------------------------------------------------------- indexing


def index_command(seeds: Path, index_dir: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "search", "index", str(seeds), "--index", str(index_dir), *extra]


def probe(index_dir: str) -> None:
    """Open the index as a reader would, search it, and print its ids as JSON.

    Runs in a subprocess (``--probe``) so that a damaged index that hangs or
    crashes is timed out and counted, not fatal to the bench."""
    report: dict[str, Any] = {"opens": False, "searches": False, "ids": []}
    try:
        from search import open_index
        from search.engine import index

        with open_index(index_dir) as ix:
            report["opens"] = True
            report["documents"] = len(ix)
            ix.search("government minister")
            report["searches"] = True
        with index.open_dir(index_dir).searcher() as searcher:
            report["ids"] = [f["id"] for f in searcher.reader().all_stored_fields()]
    except Exception as error:  # what breaks is the measurement
        report["error"] = f"{type(error).__name__}: {error}"[:200]
    print(json.dumps(report))


@dataclass
class KillStats:
    kind: str
    kills: int = 0
    finished_first: int = 0  # the run ended before its kill moment
    no_index_yet: int = 0  # killed before it wrote anything: nothing to open
    opens: int = 0
    reruns_ok: int = 0
    lost: int = 0
    stale: int = 0
    leftover: int = 0
    leftover_mb: float = 0.0
    leftover_kinds: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def check_after_kill(
    procs: Processes, seeds: Path, index_dir: Path, stats: KillStats, timeout: float
) -> None:
    """Open, re-run, then compare the index with the folder."""
    code, out, err = procs.run(
        [PYTHON, SCRIPT, "--probe", str(index_dir)], timeout=min(timeout, 120)
    )
    report = _json_or(out, {})
    if report.get("searches"):
        stats.opens += 1
    elif not any(index_dir.glob("_MAIN_*.toc")):
        stats.no_index_yet += 1  # a full run killed before its first commit
    else:
        stats.errors.append(f"open: {report.get('error') or _last_line(err) or code}")
    code, out, err = procs.run(index_command(seeds, index_dir, "--json", "--wait", "5"), timeout)
    if code != 0:
        stats.errors.append(f"re-run (exit {code}): {_last_line(err)}")
        return
    stats.reruns_ok += 1
    run = _json_or(out, {})
    passed = {
        Path(p["path"]).resolve().relative_to(seeds.resolve()).as_posix()
        for key in ("failed", "ignored")
        for p in run.get(key, [])
        if Path(p["path"]).resolve().is_relative_to(seeds.resolve())
    }
    _, out, err = procs.run([PYTHON, SCRIPT, "--probe", str(index_dir)], timeout=120)
    report = _json_or(out, {})
    if "error" in report or not out.strip():
        stats.errors.append(f"open after re-run: {report.get('error') or _last_line(err)}")
        return
    ids = set(report["ids"])
    expected = article_files(seeds) - passed
    stats.lost += len(expected - ids)
    stats.stale += len(ids - article_files(seeds))


def kill_runs(
    procs: Processes,
    work: Path,
    seeds: Path,
    baseline_ix: Path,
    kills: int,
    rng: random.Random,
    full_seconds: float,
    deadline: float,
) -> list[KillStats]:
    """kill -9 full runs (from nothing) and incremental runs (after changes) at random moments."""
    timeout = max(120.0, full_seconds * 10)
    full, incremental = KillStats("full run"), KillStats("incremental run")
    inc_seeds, inc_ix = work / "inc-seeds", work / "inc-ix"
    shutil.copytree(seeds, inc_seeds)
    shutil.copytree(baseline_ix, inc_ix)
    change_folder(inc_seeds, rng, 0)
    started = time.perf_counter()
    code, _, err = procs.run(index_command(inc_seeds, inc_ix), timeout)
    inc_seconds = time.perf_counter() - started
    if code != 0:
        incremental.errors.append(f"unkilled incremental run failed: {_last_line(err)}")
    full_ix = work / "full-ix"
    for number in range(kills * 2):
        if time.monotonic() > deadline:
            break
        stats = full if number % 2 == 0 else incremental
        if stats is full:
            shutil.rmtree(full_ix, ignore_errors=True)
            folder, index_dir, seconds = seeds, full_ix, full_seconds
        else:
            change_folder(inc_seeds, rng, number)
            folder, index_dir, seconds = inc_seeds, inc_ix, inc_seconds
        moment = rng.uniform(0.02, 0.9) * seconds
        process = procs.start(
            index_command(folder, index_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            process.wait(timeout=moment)
            stats.finished_first += 1
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            stats.kills += 1
        time.sleep(1.0)  # give orphans the chance to notice and exit
        left = session_members(process.pid)
        stats.leftover += len(left)
        stats.leftover_mb += sum(rss_mb(pid) for pid in left)
        stats.leftover_kinds.update(describe(pid) for pid in left)
        # Re-run with the orphans still there, as a user would, then clean them up.
        check_after_kill(procs, folder, index_dir, stats, timeout)
        procs.kill_session(process.pid)
    return [full, incremental]


# --------------------------------------------------------------------------- http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def serving(
    procs: Processes, index_dir: Path, threads: int = 8, workers: int | None = None
) -> Iterator[Server]:
    """``python -m search serve`` on 127.0.0.1 and a free port, until the block ends
    (with ``workers`` processes; by default ``SEARCH_WORKERS``, or the server's default)."""
    port = free_port()
    command = [PYTHON, "-m", "search", "serve", "--index", str(index_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
    if workers is not None:
        command += ["--workers", str(workers)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = procs.start(command, stdout=log, stderr=log)
    server = Server(process, port)
    try:
        for _ in range(600):
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode(errors='replace')[-500:]}")
            if get(port, "/healthz", 2)[0] == 200:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not answer /healthz within 60 s")
        yield server
    finally:
        procs.kill(process)
        procs.kill_session(process.pid)
        log.close()


def get(port: int, path: str, timeout: float) -> tuple[int, float, bytes]:
    """GET ``path`` from 127.0.0.1: status (-1 connection error, -2 timeout), seconds, body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        status = response.status
    except TimeoutError:
        status, body = -2, b""
    except (OSError, http.client.HTTPException):
        status, body = -1, b""
    finally:
        connection.close()
    return status, time.perf_counter() - started, body


def search_path(route: str, query: str, **params: str) -> str:
    return route + "?" + urllib.parse.urlencode({"q": query, **params})


def total_hits(body: bytes) -> int:
    try:
        return int(json.loads(body)["total"])
    except (ValueError, KeyError, TypeError):
        return -1


def run_clients(count: int, deadline: float, items: Iterator[T], send: Callable[[T], None]) -> None:
    """``count`` threads that each take the next item and ``send`` it, until none is left
    or the deadline has passed (a request under way then has its own timeout)."""
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                item = next(items, None)
            if item is None:
                return
            send(item)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 35))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# --------------------------------------------------------------------------- live


@dataclass
class LiveStats:
    rounds: int = 0
    requests: int = 0
    errors: Counter[int] = field(default_factory=Counter)
    visible_after_write: list[float] = field(default_factory=list)
    visible_after_index: list[float] = field(default_factory=list)
    never_visible: int = 0
    still_served_after_delete: int = 0
    index_failures: list[str] = field(default_factory=list)


def live_indexing(
    procs: Processes,
    seeds: Path,
    index_dir: Path,
    rounds: int,
    rng: random.Random,
    words: list[str],
    deadline: float,
) -> LiveStats:
    """Re-index with changes while the server answers a steady client; time new articles."""
    stats = LiveStats()
    stop = threading.Event()
    with serving(procs, index_dir) as server:

        def client() -> None:
            local = random.Random(1)
            while not stop.is_set() and time.monotonic() < deadline:
                query = " ".join(local.sample(words, 2))
                status, _, _ = get(server.port, search_path("/api/search", query), 30)
                stats.requests += 1
                if status != 200:
                    stats.errors[status] += 1

        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        try:
            for round_ in range(rounds):
                if time.monotonic() > deadline:
                    break
                stats.rounds += 1
                token = f"zqlive{round_}x{rng.randrange(10**6)}"
                change_folder(seeds, rng, 1000 + round_)
                gone = sorted(article_files(seeds))[rng.randrange(50)]
                (seeds / gone).unlink()
                (seeds / f"live-{round_}.txt").write_text(
                    f"Live article {token}\nThe {token} story was added while serving.\n"
                )
                written = time.perf_counter()
                code, _, err = procs.run(index_command(seeds, index_dir, "--wait", "30"), 300)
                indexed = time.perf_counter()
                if code != 0:
                    stats.index_failures.append(_last_line(err))
                for _ in range(300):
                    status, _, body = get(server.port, search_path("/api/search", token), 10)
                    if status == 200 and total_hits(body) > 0:
                        now = time.perf_counter()
                        stats.visible_after_write.append(now - written)
                        stats.visible_after_index.append(now - indexed)
                        break
                    time.sleep(0.1)
                else:
                    stats.never_visible += 1
                quoted = urllib.parse.quote(gone)
                if get(server.port, f"/api/articles/{quoted}", 10)[0] == 200:
                    stats.still_served_after_delete += 1
        finally:
            stop.set()
            thread.join(timeout=35)
    return stats


# --------------------------------------------------------------------------- fuzz

#: The fields a query may name (dates have their own kind of fuzz).
PUBLIC_FIELDS = tuple(name for name in QUERYABLE_FIELDS if name != "date")
INTERNAL_FIELDS: tuple[str, ...] = ("dupe_keys", "content_hash", "sketch", "dupe_group", "article")
INTERNAL_FIELDS += ("id",)
INTERNAL_FIELDS += ("facet_country", "facet_speaker", "facet_outlet", "facet_year")
SYNTAX: tuple[str, ...] = (
    "(",
    ")",
    '"',
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "~",
    "^",
    "*",
    "?",
    "[",
    "]",
    "{",
    "}",
)
SYNTAX += (":", "TO", "\\", "/", "!", "'", "&&", "||", "<", ">", "=", "%", "#")
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00C0, 0x024F),
    (0x0370, 0x03FF),
    (0x0400, 0x04FF),
    (0x0590, 0x06FF),
)
UNICODE_RANGES += ((0x0300, 0x036F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0x1F300, 0x1F6FF))
UNICODE_RANGES += ((0x200B, 0x200F), (0xFFF0, 0xFFFF), (0x0000, 0x001F))


def fuzz_cases(words: list[str], rng: random.Random) -> dict[str, Callable[[], str]]:
    """Query generators by kind: each returns one query string."""

    def word() -> str:
        return rng.choice(words)

    def prefix() -> str:
        return word()[: rng.randint(1, 3)]

    def date() -> str:
        return rng.choice(
            ["2004", "2005-06", "20050101", "yesterday", "x", "-1", "99999", "2005-13-45", ""]
        )

    def letter() -> str:
        return rng.choice(["a", "m", "z", "!", "~", "0", "9", "é", word()])

    def unicode_text() -> str:
        low, high = rng.choice(UNICODE_RANGES)
        return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 12)))

    def syntax() -> str:
        parts = [rng.choice((*SYNTAX, word(), word())) for _ in range(rng.randint(1, 10))]
        return rng.choice(["", " "]).join(parts)

    return {
        "plain words": lambda: " ".join(rng.sample(words, rng.randint(1, 4))),
        "fields": lambda: f"{rng.choice(PUBLIC_FIELDS)}:{word()}",
        "internal fields": lambda: rng.choice(
            [
                f"{rng.choice(INTERNAL_FIELDS)}:{word()}",
                f'{rng.choice(INTERNAL_FIELDS)}:"the {word()}"',
                f"{rng.choice(INTERNAL_FIELDS)}:{rng.randrange(16**8):x}*",
                f"{rng.choice(INTERNAL_FIELDS)}:[a TO z]",
            ]
        ),
        "ranges": lambda: rng.choice(
            [
                f"[{letter()} TO {letter()}]",
                "[! TO ~]",
                f"{rng.choice(PUBLIC_FIELDS)}:[{letter()} TO {letter()}]",
                f"{{{letter()} TO}}",
                f"[TO {letter()}]",
                f"{word()} [{prefix()} TO {prefix()}]",
            ]
        ),
        "dates": lambda: rng.choice(
            [
                f"date:{date()}",
                f'date:"{date()}"',
                f"date:[{date()} TO {date()}]",
                f"date:>{date()}",
                f"{word()} date:[{date()} TO]",
            ]
        ),
        "wildcards": lambda: rng.choice(
            [f"{prefix()}*", f"*{prefix()}", f"*{prefix()}*", "*", "?", f"{prefix()}?{prefix()}*"]
        ),
        "fuzzy": lambda: rng.choice(
            [
                f"{word()}~{rng.randint(0, 9)}",
                f"{word()}~",
                f'"{word()} {word()}"~{rng.randint(1, 50)}',
            ]
        ),
        "boosts": lambda: rng.choice(
            [
                f"{word()}^{rng.choice(['3', '0', '-1', '1e308', 'x', '0.0001'])}",
                f"({word()} OR {word()})^2",
                f"headline:{word()}^9 {word()}",
            ]
        ),
        "unknown fields": lambda: rng.choice(
            [f"nosuch:{word()}", f"Headline:{word()}", f":{word()}", f"{word()}:{word()}:{word()}"]
        ),
        "random syntax": syntax,
        "unicode": lambda: rng.choice(
            [unicode_text(), f"{word()} {unicode_text()}", f"headline:{unicode_text()}"]
        ),
        "long": lambda: " ".join(rng.choice(words) for _ in range(rng.choice([50, 300, 2000]))),
    }


#: Hostile values for the other parameters of a search: a 400 is right for most.
HOSTILE_PARAMS = {
    "page": ("2", "0", "-1", "999999", "x", "1e9", ""),
    "page_size": ("1", "100", "0", "100000", "-5"),
    "sort": ("newest", "relevance", "oldest", ""),
    "since": ("2004", "2005-06", "x", "0", "99999-01", "2005-02-30"),
    "until": ("2005", "2004-02-30", "never", "-1"),
    "country": ("United Kingdom", "Nowhere", "\u202e", ""),
    "year": ("2005", "x", "0"),
    "view": ("quotes", "nothing"),
    "explain": ("1", "yes", "x"),
}

#: Article ids for /article/<id> and /api/articles/<id>: out of the folder, odd bytes.
HOSTILE_IDS: tuple[str, ...] = (
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%00",
    "business/",
    ".",
)
HOSTILE_IDS += ("business/001.txt/related", "%ff%fe", "a" * 3000, "/etc/passwd", "business/..")


def fuzz_params(rng: random.Random) -> dict[str, str]:
    """One to three hostile parameters besides the query."""
    names = rng.sample(sorted(HOSTILE_PARAMS), rng.randint(1, 3))
    return {name: rng.choice(HOSTILE_PARAMS[name]) for name in names}


@dataclass
class FuzzResult:
    kind: str
    status: int
    seconds: float
    query: str


def fuzz(
    server: Server, words: list[str], count: int, seed: int, clients: int, deadline: float
) -> list[FuzzResult]:
    """``count`` seeded fuzzed queries from ``clients`` threads, until the deadline."""
    rng = random.Random(seed)
    cases = fuzz_cases(words, rng)
    kinds = list(cases)
    plan = []
    for _ in range(count):
        kind = rng.choice([*kinds, "parameters", "article ids"])
        route = rng.choice(["/search", "/api/search"])
        if kind == "article ids":
            query = rng.choice(HOSTILE_IDS)
            route = rng.choice(["/article/", "/api/articles/"])
            plan.append((kind, query, route + urllib.parse.quote(query, safe="/%")))
        elif kind == "parameters":
            query = cases["plain words"]()
            plan.append((kind, query, search_path(route, query, **fuzz_params(rng))))
        else:
            query = cases[kind]()
            plan.append((kind, query, search_path(route, query)))
    if plan:  # invalid UTF-8 in the URL, which a browser can send too
        plan[0] = ("unicode", "%ff%fe", "/api/search?q=%ff%fe%00")
    results: list[FuzzResult] = []

    def send(item: tuple[str, str, str]) -> None:
        kind, query, path = item
        status, seconds, _ = get(server.port, path, 30)
        results.append(FuzzResult(kind, status, seconds, query))

    run_clients(clients, deadline, iter(plan), send)
    return results


# --------------------------------------------------------------------------- load


@dataclass
class LoadStats:
    mode: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    rss_before: float
    rss_after: float


def load(
    server: Server, queries: list[str], requests: int, clients: int, deadline: float, mode: str
) -> LoadStats:
    """``requests`` GETs of /api/search from ``clients`` threads, cycling over ``queries``."""
    latencies: list[float] = []
    statuses: list[int] = []

    def send(number: int) -> None:
        query = queries[number % len(queries)]
        status, seconds, _ = get(server.port, search_path("/api/search", query), 30)
        latencies.append(seconds)
        statuses.append(status)

    rss_before = server_rss_mb(server)
    started = time.perf_counter()
    run_clients(clients, deadline, iter(range(requests)), send)
    seconds = time.perf_counter() - started
    errors = sum(status != 200 for status in statuses)
    return LoadStats(
        mode, len(latencies), seconds, latencies, errors, rss_before, server_rss_mb(server)
    )


# --------------------------------------------------------------------------- report


def _json_or(text: str, default: Any) -> Any:
    try:
        return json.loads(text.strip().splitlines()[-1]) if text.strip() else default
    except ValueError:
        try:
            return json.loads(text)
        except ValueError:
            return default


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def print_kills(rows: list[KillStats]) -> list[list[object]]:
    headers = "kill -9 of|kills|ended first|no index yet|opens|re-run ok|lost|stale"
    headers += "|procs left|MB left|kinds left"
    lines = []
    for s in rows:
        kinds = ", ".join(f"{kind}×{n}" for kind, n in s.leftover_kinds.items()) or "-"
        runs = s.kills + s.finished_first
        tally = [s.kind, s.kills, s.finished_first, s.no_index_yet]
        tally += [f"{s.opens}/{runs - s.no_index_yet}", f"{s.reruns_ok}/{runs}"]
        tally += [s.lost, s.stale, s.leftover]
        lines.append([*tally, f"{s.leftover_mb:.0f}", kinds])
    print(table(headers.split("|"), lines))
    for stats in rows:
        for error, times in Counter(stats.errors).most_common(3):
            print(f"  {stats.kind}: {times} × {error}")
    runs = sum(s.kills + s.finished_first for s in rows)
    to_open = runs - sum(s.no_index_yet for s in rows)
    left = sum(s.leftover for s in rows)
    left_mb = sum(s.leftover_mb for s in rows)
    return [
        ["kill -9: index opens", f"{sum(s.opens for s in rows)}/{to_open}", "all"],
        ["kill -9: re-run succeeds", f"{sum(s.reruns_ok for s in rows)}/{runs}", "all"],
        ["kill -9: articles lost", sum(s.lost for s in rows), "0"],
        ["kill -9: processes left", f"{left} ({left_mb:.0f} MB)", "0"],
    ]


def print_live(stats: LiveStats) -> list[list[object]]:
    after_write = max(stats.visible_after_write, default=float("nan"))
    after_index = max(stats.visible_after_index, default=float("nan"))
    lines: list[list[object]] = [
        ["rounds of changes + index run", stats.rounds],
        ["requests during them", stats.requests],
        ["request errors", sum(stats.errors.values())],
        ["error statuses", dict(stats.errors) or "-"],
        ["index runs failed", len(stats.index_failures)],
        ["new article visible after its file was written, max s", after_write],
        ["new article visible after the index run ended, max s", after_index],
        ["new article never visible (30 s)", stats.never_visible],
        ["deleted article still served", stats.still_served_after_delete],
    ]
    print(table(["index while serving", "value"], lines))
    for failure in stats.index_failures[:3]:
        print(f"  index run failed: {failure}")
    return [
        ["live: request errors", sum(stats.errors.values()), "0"],
        ["live: new article never visible", stats.never_visible, "0"],
        ["live: visible after the run ends, max s", after_index, "< 2"],
    ]


def print_fuzz(
    results: list[FuzzResult], planned: int, before: float, after: float, peak: float
) -> list[list[object]]:
    headers = "fuzz kind|sent|200|4xx|500|other|> 1 s|p99|worst|worst query"
    lines = []
    for kind in [*sorted({r.kind for r in results}), "all"]:
        mine = [r for r in results if kind in ("all", r.kind)]
        statuses = Counter(r.status for r in mine)
        worst = max(mine, key=lambda r: r.seconds)
        client = sum(n for status, n in statuses.items() if 400 <= status < 500)
        other = len(mine) - statuses[200] - client - statuses[500]
        tally = [kind, len(mine), statuses[200], client, statuses[500], other]
        tally += [
            sum(r.seconds > 1 for r in mine),
            _ms(percentile([r.seconds for r in mine], 0.99)),
        ]
        lines.append([*tally, _ms(worst.seconds), repr(worst.query)[:32]])
    print(table(headers.split("|"), lines))
    statuses = Counter(r.status for r in results)
    print(f"  statuses: {dict(sorted(statuses.items()))}  (-1 connection error, -2 timeout)")
    print(
        f"  largest server process RSS {before:.0f} MB before, {after:.0f} MB after, "
        f"peak {peak:.0f} MB"
    )
    for result in [r for r in results if r.status == 500][:6]:
        print(f"  500: {result.kind}: {result.query[:70]!r}")
    return [
        ["fuzz: queries answered", f"{len(results)}/{planned}", "all"],
        ["fuzz: 500s", statuses[500], "0"],
        ["fuzz: over 1 s", sum(r.seconds > 1 for r in results), "0"],
        ["fuzz: server memory growth, MB", round(after - before), "< 100"],
    ]


def print_load(rows: list[LoadStats], clients: int) -> list[list[object]]:
    headers = f"load, {clients} clients|requests|req/s|p50|p95|p99|errors|RSS before|RSS after"
    lines = []
    for s in rows:
        rate = s.requests / s.seconds if s.seconds else 0.0
        tally = [
            s.mode,
            s.requests,
            rate,
            *(_ms(percentile(s.latencies, q)) for q in (0.5, 0.95, 0.99)),
        ]
        lines.append([*tally, s.errors, f"{s.rss_before:.0f} MB", f"{s.rss_after:.0f} MB"])
    print(table(headers.split("|"), lines))
    return [
        [f"load {s.mode}: errors, server RSS after", f"{s.errors}, {s.rss_after:.0f} MB", "0, -"]
        for s in rows
    ]


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(BBC))
    parser.add_argument("--quick", action="store_true", help="a few-minute run: smaller counts")
    parser.add_argument("--files", type=int, help="articles copied for the kill runs (all)")
    parser.add_argument("--kills", type=int, help="kill attempts per kind of run (12, quick: 3)")
    parser.add_argument("--rounds", type=int, help="index rounds while serving (8, quick: 3)")
    parser.add_argument("--fuzz", type=int, help="fuzzed queries (10000, quick: 600)")
    parser.add_argument("--requests", type=int, help="load requests per mode (3000, quick: 400)")
    parser.add_argument("--clients", type=int, default=16, help="load client threads (16)")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        help="server processes for the load section, each in turn, e.g. 1,2 (the default)",
    )
    parser.add_argument("--fuzz-clients", type=int, default=4, help="fuzz client threads (4)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--minutes", type=float, help="time bound per section (full: 15, quick: 2)")
    parser.add_argument(
        "--sections",
        default="kill,live,fuzz,load",
        help="comma-separated subset of kill,live,fuzz,load",
    )
    parser.add_argument("--probe", metavar="INDEX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    quick = args.quick
    defaults = {
        "kills": (12, 3),
        "rounds": (8, 3),
        "fuzz": (10000, 600),
        "requests": (3000, 400),
        "minutes": (15.0, 2.0),
        "files": (None, 400),
    }
    for name, (full, small) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    return args


def main() -> None:
    args = parse_args()
    if args.probe:
        probe(args.probe)
        return
    corpus = require(Path(args.corpus), "the BBC corpus")
    sections = set(args.sections.split(","))
    procs = Processes()
    work = Path(tempfile.mkdtemp(prefix="news-search-reliability-"))
    # A SIGTERM or Ctrl-C must still kill the servers and indexers started here.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    summary: list[list[object]] = []
    try:
        summary = run_sections(args, corpus, sections, procs, work)
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    if summary:
        print()
        print(table(["check (issue 7 acceptance)", "measured", "target"], summary))


def run_sections(
    args: argparse.Namespace, corpus: Path, sections: set[str], procs: Processes, work: Path
) -> list[list[object]]:
    section_seconds = args.minutes * 60
    seeds, baseline = work / "seeds", work / "baseline-ix"
    copy_corpus(corpus, seeds, args.files)
    words = corpus_words(seeds)
    started = time.perf_counter()
    code, _, err = procs.run(index_command(seeds, baseline), timeout=1800)
    full_seconds = time.perf_counter() - started
    count = len(article_files(seeds))
    print(f"{count} articles copied; full index run {full_seconds:.1f} s (exit {code})")
    if code != 0:
        print(f"the first index run failed: {_last_line(err)}")
        return []
    summary: list[list[object]] = []
    if "kill" in sections:
        print(f"\n1. kill -9 at {args.kills} random moments of full and of incremental runs")
        rng = random.Random(args.seed)
        deadline = time.monotonic() + section_seconds
        kills = kill_runs(procs, work, seeds, baseline, args.kills, rng, full_seconds, deadline)
        summary += print_kills(kills)
    if "live" in sections:
        print(f"\n2. {args.rounds} index runs with changes while a server answers queries")
        live_seeds, live_ix = work / "live-seeds", work / "live-ix"
        shutil.copytree(seeds, live_seeds)
        shutil.copytree(baseline, live_ix)
        deadline = time.monotonic() + section_seconds
        rng = random.Random(args.seed + 1)
        summary += print_live(
            live_indexing(procs, live_seeds, live_ix, args.rounds, rng, words, deadline)
        )
    if "fuzz" in sections:
        print(f"\n3. {args.fuzz} fuzzed queries over /search and /api/search")
        with serving(procs, baseline) as server:
            before = server_rss_mb(server)
            deadline = time.monotonic() + section_seconds
            results = fuzz(server, words, args.fuzz, args.seed, args.fuzz_clients, deadline)
            after, peak = server_rss_mb(server), server_rss_mb(server, "VmHWM")
        summary += print_fuzz(results, args.fuzz, before, after, peak)
    if "load" in sections:
        print(f"\n4. load: {args.clients} clients, {args.requests} requests per mode")
        rng = random.Random(args.seed + 2)
        cached = [" ".join(rng.sample(words[:500], 2)) for _ in range(20)]
        distinct = list(
            dict.fromkeys(" ".join(rng.sample(words, 2)) for _ in range(args.requests * 2))
        )
        rows = []
        for workers in args.workers or [None]:
            with serving(procs, baseline, workers=workers) as server:
                for mode, queries in (("uncached", distinct), ("cached", cached)):
                    label = mode if workers is None else f"{mode}, {workers} worker(s)"
                    deadline = time.monotonic() + section_seconds / 2 / len(args.workers or [1])
                    rows.append(load(server, queries, args.requests, args.clients, deadline, label))
        summary += print_load(rows, args.clients)
        if args.workers and len(args.workers) > 1:
            rates = {
                row.mode: row.requests / row.seconds for row in rows if row.mode.startswith("unc")
            }
            first, last = (f"uncached, {n} worker(s)" for n in (args.workers[0], args.workers[-1]))
            ratio = rates[last] / rates[first]
            print(f"uncached req/s, {args.workers[-1]} vs {args.workers[0]} workers: ×{ratio:.2f}")
            summary.append(
                [
                    f"load: {args.workers[-1]} vs {args.workers[0]} workers",
                    f"×{ratio:.2f}",
                    "≥ ×1.7",
                ]
            )
    return summary


if __name__ == "__main__":
    main()
