"""The README's library example runs as written, and its commands are the real ones."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import search

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    [example] = re.findall(r"```python\n(.*?)```", README, re.S)
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "Dmytro Kuleba said:" in out
    assert "<mark>Kherson</mark>" in out


def test_readme_first_screen_gives_the_two_commands() -> None:
    first_screen = README[: README.index("## ")]
    assert "make run" in first_screen and "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_public_api_is_declared() -> None:
    for name in search.__all__:
        assert hasattr(search, name), name
    assert os.path.exists(Path(search.__file__).parent / "py.typed")
