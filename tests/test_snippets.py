"""Snippets and marking: the fast tokenizer must agree with the index analyzer."""

from __future__ import annotations

import pytest

import search
from search.schema import text_analyzer
from search.snippets import Highlight, _candidates, _tokens, mark, snippet, typed_words

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


def test_snippets_never_cut_inside_a_number() -> None:
    body = "Filler words here. The deal was worth $1.6bn in total, officials said. More text."
    assert "$<mark>1.6bn</mark>" in snippet(body, Highlight(frozenset({"1.6bn"})), sentences=1)
    text = snippet(body, Highlight(frozenset({"deal"})), sentences=1)
    assert "$1.6bn in total" in text


def test_stop_words_of_a_question_are_not_marked(ix: search.Index) -> None:
    marks = ix.highlight("what did the minister say about the budget")
    assert "budget" in marks.words
    assert not marks.words & {"what", "did", "about"}


def test_a_stem_does_not_mark_an_unrelated_word() -> None:
    body = "Protesters were protesting. A Protestant church and a protestation stood by."
    marked = mark(body, Highlight(frozenset({"protest"}), typed=typed_words("kherson protests")))
    assert "<mark>Protesters</mark>" in marked and "<mark>protesting</mark>" in marked
    assert "<mark>Protestant</mark>" not in marked and "<mark>protestation</mark>" not in marked
    typed = typed_words("protestant")
    assert "<mark>Protestant</mark>" in mark(body, Highlight(frozenset({"protest"}), typed=typed))
