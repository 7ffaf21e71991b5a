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
