"""`serve`: a real pre-fork server (gunicorn) on loopback, one process per worker."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .processes import alive, descendants


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_one_process_per_worker_and_stops_them_all(index_dir: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "search", "serve", "--index", str(index_dir)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health["status"] == "ok", server.stderr
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:  # the second may boot later
            workers = {pid for pid in descendants(server.pid) if alive(pid)}
            time.sleep(0.1)
        assert len(workers) == 2
        answers = [httpx.get(f"{base}/api/search", params={"q": "kyiv"}) for _ in range(8)]
        assert {a.status_code for a in answers} == {200}
        assert answers[0].json()["total"] > 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert not [pid for pid in workers if alive(pid)]


def test_serve_on_a_missing_index_says_what_to_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "search", "serve", "--index", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: No index at")
    assert "python -m search index" in result.stderr
