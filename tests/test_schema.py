"""The analyzers: one loop giving the tokens Whoosh's chain of filters gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.engine import accent_map, analysis, fields
from search.schema import NewsAnalyzer, NewsPositions, build_schema

_TEXTS = [
    "The Mayor of Kyív said: “We will not leave.” The the THE a an of",
    "Zaporizhzhia's reactors — Enerhodar (Energodar) — are 5.7km from Nikopol.",
    "Straße, ÆSIR, İstanbul, Ελλάδα ΟΔΟΣ, naïve café, Ærø, ﬁnance, x² and 3.14",
    "a I is it at to be by\n\n  running runs ran easily fairly   generously",
    "",
    "U.S. officials, e.g. Mr. Smith's aides, met at 10.30am on 24.02.2022",
]
_TEXTS += [p.read_text() for p in sorted((Path(__file__).parent / "data").rglob("*.txt"))]


def _chain(stem: bool) -> analysis.Analyzer:
    chain = (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter()
    )
    return chain | analysis.StemFilter() if stem else chain


def _tokens(analyzer: analysis.Analyzer, text: str, **options: object) -> list[tuple]:
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), t.stopped, t.boost)
        for t in analyzer(text, **options)
    ]


@pytest.mark.parametrize("stem", [True, False])
@pytest.mark.parametrize(
    "options",
    [
        {"positions": True, "mode": "index"},
        {"positions": True, "chars": True, "mode": "query"},
        {"chars": True, "start_pos": 5, "start_char": 7},
        {"removestops": False, "positions": True},
        {"tokenize": False},
        {"no_morph": True, "positions": True},
    ],
)
def test_the_one_loop_gives_the_tokens_of_the_chain(stem: bool, options: dict) -> None:
    ours, chain = NewsAnalyzer(stem=stem), _chain(stem)
    for text in _TEXTS:
        assert _tokens(ours, text, **options) == _tokens(chain, text, **options), text


@pytest.mark.parametrize("name", ["body", "speaker"])
def test_postings_are_those_of_whooshs_own_positions_format(name: str) -> None:
    ours = build_schema()[name]
    stock = fields.TEXT(analyzer=_chain(stem=name == "body"))
    assert isinstance(ours.format, NewsPositions)
    for text in _TEXTS:
        assert sorted(ours.index(text)) == sorted(stock.index(text)), text
