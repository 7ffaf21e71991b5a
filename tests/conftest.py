"""Shared fixtures: a real Whoosh index on disk, built once from tests/data/articles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import search
from search.web import make_app

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "articles"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index")
    search.build_index(ARTICLES, path)
    return path


@pytest.fixture(scope="session")
def ix(index_dir: Path) -> Iterator[search.Index]:
    with search.open_index(index_dir) as opened:
        yield opened


@pytest.fixture(scope="session")
def client(ix: search.Index) -> Iterator[httpx.Client]:
    transport = httpx.WSGITransport(app=make_app(ix))
    with httpx.Client(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def articles_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture articles, for tests that change files."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


def write_quoted_articles(folder: Path) -> None:
    """Three undated articles about a harbour with five quotations each: fifteen cards."""
    topics = [
        ("ferry", "timetable", "Ann Lee", "passengers queued at dawn"),
        ("crane", "contract", "Raj Patel", "engineers checked the cables"),
        ("dredging", "budget", "Maria Silva", "the council met on Tuesday"),
    ]
    for number, (thing, plan, speaker, scene) in enumerate(topics):
        paragraphs = [
            f"\u201cThe harbour {thing} {plan} changes in stage {n},\u201d said {speaker}. "
            + f"{scene.capitalize()} while {n + 3} {thing} crews waited."
            for n in range(5)
        ]
        (folder / f"q{number}.txt").write_text(
            f"Harbour {thing} {plan}\n\n" + "\n\n".join(paragraphs) + "\n"
        )
