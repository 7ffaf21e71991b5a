"""Snippets and marking: the fast tokenizer must agree with the index analyzer."""

from __future__ import annotations

import pytest

from search.schema import text_analyzer
from search.snippets import _candidates, _tokens

from .conftest import ARTICLES


@pytest.mark.parametrize("path", sorted(ARTICLES.rglob("*.*")), ids=lambda p: p.name)
def test_snippet_tokens_are_the_index_terms(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    expected = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in text_analyzer()(text, positions=True, chars=True, mode="index")
    ]
    assert _tokens(text) == expected


def test_stop_words_and_wildcard_characters_tokenize_like_the_index() -> None:
    text = "The Kyív report* of the U.S. and a café, then E-mail."
    expected = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in text_analyzer()(text, positions=True, chars=True, mode="index")
    ]
    assert _tokens(text) == expected


@pytest.mark.parametrize("path", sorted(ARTICLES.rglob("*.*")), ids=lambda p: p.name)
def test_tokens_for_chosen_initials_are_the_same_terms_at_the_same_places(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text()
    everything = _tokens(text)
    initials = frozenset({"ky", "pr", "bu"})
    assert _tokens(text, initials) == [t for t in everything if t[0][:2] in initials]


def test_candidate_tokens_match_the_full_tokenizer_for_their_initials() -> None:
    text = "Kyív and KYIV, the U.S. budget; Éric's budgets. A bus-stop in Kyiv."
    initials = frozenset({"ky", "bu", "er", "us"})
    wanted = [(t[0], t[2], t[3]) for t in _tokens(text) if t[0][:2] in initials]
    assert [(t[0], t[2], t[3]) for t in _candidates(text, initials)] == wanted
