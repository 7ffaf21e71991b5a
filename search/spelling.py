"""Spelling help: the index's own words nearest to a misspelt one, as the text writes them.

Candidates are index terms near the word's stem and terms sharing its first
letters; each is compared with the word in the form the articles use
("borrowing", not the stem "borrow"), by edit distance and then by how common.
"""

from __future__ import annotations

from typing import Any

from search.hits import load_stored
from search.schema import text_analyzer

#: Fields whose words can be offered: place and speaker names first, unstemmed.
SPELLING_FIELDS = ("locations", "speaker", "headline", "body")


def closest(searcher: Any, word: str, stem: str) -> str | None:
    """The index word nearest to ``word`` as written (edit distance, then how common).

    Candidates are index terms near the stem, and terms sharing the word's first
    four letters (so "borrowinng" reaches "borrow"); each is compared as the text
    writes it ("borrowing"), since stems of a typo and of the word differ."""
    reader = searcher.reader()
    word = word.lower()
    terms: dict[tuple[str, str], int] = {}
    for field in SPELLING_FIELDS:
        for candidate in searcher.suggest(field, stem, limit=8, maxdist=2, prefix=1):
            terms[(field, candidate)] = reader.doc_frequency(field, candidate)
        if field in ("headline", "body") and len(word) >= 5:
            nearby = [
                t.decode() if isinstance(t, bytes) else t
                for t in reader.expand_prefix(field, word[:4])
            ]
            for candidate in sorted(nearby, key=lambda t: -reader.doc_frequency(field, t))[:20]:
                terms[(field, candidate)] = reader.doc_frequency(field, candidate)
    scored = []
    for (field, term), frequency in terms.items():
        written = surface(searcher, field, term)
        distance = edit_distance(word, written)
        if 0 < distance <= max(1, len(word) // 4):
            scored.append((distance, -frequency, written))
    return min(scored)[2] if scored else None


def surface(searcher: Any, field: str, term: str) -> str:
    """How a stemmed index term is written in the text: "privatis" → "privatisation"."""
    if field not in ("body", "headline"):
        return term
    docnum = next(iter(searcher.reader().postings(field, term).all_ids()), None)
    if docnum is None:
        return term
    article = load_stored(searcher, docnum)
    text = article.headline if field == "headline" else article.body
    for token in text_analyzer()(text, chars=True, removestops=False):
        if token.text == term:
            return str(text[token.startchar : token.endchar]).lower()
    return term


def edit_distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``, a swap of two neighbours counting as one ("chelsae")."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def count_docs(searcher: Any, q: Any) -> int:
    return sum(1 for _ in searcher.docs_for_query(q))
