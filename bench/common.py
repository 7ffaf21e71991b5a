"""Shared bits of the benchmarks: where the shared data is, and table printing."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpora" / "bbc"


def require(path: Path, what: str) -> Path:
    """Exit cleanly with a message when the shared data is not beside the project."""
    if not path.exists():
        print(f"skipped: {what} not found at {path} (it lives in ../shared beside the project)")
        sys.exit(0)
    return path


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers, *[[_fmt(c) for c in row] for row in rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)
