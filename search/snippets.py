"""Highlighting: sentence-bounded snippets and whole texts with matched words in <mark>.

Words are matched after analysis (stemming, accent folding), so a query for
"protests" marks "protesting". Everything that is not a <mark> tag is
HTML-escaped here, which is what makes snippets safe to render as they are.
A new formatter is made per call: Whoosh's own HtmlFormatter keeps state.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from search.engine import highlight
from search.schema import text_analyzer

SNIPPET_CHARS = 320
_LEAD_CHARS = 240


class MarkFormatter(highlight.Formatter):
    """Wraps matched words in a bare <mark> and escapes the text around them."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


def snippet(body: str, terms: Collection[str], *, fragments: int = 2) -> str:
    """The body's best sentences that hold ``terms`` (analyzed forms), or its lead."""
    if terms and body:
        fragmenter = highlight.SentenceFragmenter(maxchars=SNIPPET_CHARS * 2, charlimit=None)
        marked = highlight.highlight(
            body, frozenset(terms), text_analyzer(), fragmenter, MarkFormatter(), top=fragments
        )
        if marked:
            return " ".join(str(marked).split())  # sentences may span paragraph breaks
    return escape(lead(body), quote=False)


def mark(text: str, terms: Collection[str]) -> str:
    """All of ``text``, escaped, with every matched word in <mark>."""
    if terms and text:
        marked = highlight.highlight(
            text,
            frozenset(terms),
            text_analyzer(),
            highlight.WholeFragmenter(charlimit=None),
            MarkFormatter(),
        )
        if marked:
            return str(marked)
    return escape(text, quote=False)


def lead(body: str) -> str:
    """The opening of the body, cut at a sentence or word boundary."""
    first = body.split("\n\n", 1)[0]
    if len(first) <= _LEAD_CHARS:
        return first
    cut = first.rfind(". ", 0, _LEAD_CHARS)
    if cut > _LEAD_CHARS // 2:
        return first[: cut + 1]
    return first[:_LEAD_CHARS].rsplit(" ", 1)[0] + " …"
