"""Shared fixtures: a real Whoosh index on disk, built once from tests/data/articles, and a
real Typesense server for the contract tests that run on both backends."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import search
from search.engine import index
from search.schema import build_schema, mark_schema
from search.web import make_app
from tests import typesense_nodes

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


@pytest.fixture(scope="session")
def skewed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,001 short documents over a 30-word vocabulary with skewed frequencies: an
    index where Whoosh's matcher bugs show (tests/test_whoosh_*_bug*.py). Below
    5,000 documents Whoosh preloads an OR of many terms into an array and never
    builds the matcher trees the bugs live in."""
    path = tmp_path_factory.mktemp("skewed")
    ix = index.create_in(str(path), build_schema())
    writer = ix.writer()
    rng = random.Random(1)
    for number in range(5001):
        words = [f"w{min(int(rng.expovariate(0.25)), 29)}" for _ in range(rng.randint(1, 12))]
        headline, body = " ".join(words[:3]), " ".join(words)
        article = search.Article(str(number), f"{number}.txt", headline, (body,), str(number))
        writer.add_document(
            id=str(number), headline=headline, body=body, article=json.dumps(article.to_dict())
        )
    writer.commit()
    mark_schema(path)
    return path


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


@pytest.fixture(scope="session")
def typesense_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real single-node Typesense, started once: its ``typesense://KEY@HOST:PORT``
    (add ``/COLLECTION``). Skipped, saying why, only where the binary cannot run."""
    program = typesense_nodes.binary()
    if isinstance(program, str):
        pytest.skip(f"Typesense contract tests skipped: {program}")
    node = typesense_nodes.new_node(tmp_path_factory.mktemp("typesense"))
    node.start(program)
    try:
        if not typesense_nodes.wait_healthy([node]):
            pytest.skip("Typesense contract tests skipped: the server did not become healthy")
        yield f"typesense://{typesense_nodes.API_KEY}@127.0.0.1:{node.api_port}"
    finally:
        node.stop()


_collections = itertools.count()


@pytest.fixture(params=["whoosh", "typesense"])
def new_location(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes fresh index locations on each backend: a folder, or a new collection."""
    if request.param == "whoosh":
        folders = itertools.count()
        return lambda: str(tmp_path / f"ix{next(folders)}")
    server = request.getfixturevalue("typesense_server")
    return lambda: f"{server}/t{os.getpid()}_{next(_collections)}"


@pytest.fixture(scope="session", params=["whoosh", "typesense"])
def any_ix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[search.Index]:
    """The fixture articles indexed on each backend, opened once."""
    if request.param == "whoosh":
        location = str(tmp_path_factory.mktemp("contract"))
    else:
        location = f"{request.getfixturevalue('typesense_server')}/contract{os.getpid()}"
    search.build_index(ARTICLES, location)
    with search.open_index(location) as opened:
        yield opened


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium for the browser tests (skipped with a message without it)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
