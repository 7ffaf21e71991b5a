"""Checking a quote: did they say that, in those words, and who reported it first?

Given a pasted quote, perhaps misremembered, shortened or re-punctuated, find the
indexed quotations that match it best. Two steps:

1. Candidates from the index: the articles whose ``quotes`` field holds the
   pasted text's rarest words (they survive paraphrase best, and their posting
   lists stay short at any index size), ranked by the IDF of the words held
   (:meth:`search.Index.quoted`).
2. Alignment: each candidate quote that shares enough words to reach a
   paraphrase's score is aligned with the pasted text word by word
   (rapidfuzz's Indel alignment, that is the longest common subsequence, on
   words folded for case, accents and punctuation). Quote words outside the
   aligned stretch are the rest of a longer quote, not differences: a pasted
   half of a quote is verbatim. The score is the share of words the two have in
   common over the aligned stretch; a dropped "not" or a changed number is
   flagged whatever the score, because it changes what was said.

The verbatim and near-verbatim matches make up the story: who said it (the
speaker most of them name), the earliest dated article carrying it, and how
many articles repeat it (near-duplicate copies included).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Indel

from search.plain import plain

if TYPE_CHECKING:
    from search.backends import SearchIndex as Index

#: Score at or above which a match is near-verbatim (the same quote, reworded a little).
NEAR_VERBATIM = 0.8
#: Below this a candidate shares too little to be the same quote even paraphrased.
PARAPHRASE = 0.5
#: How many articles the index search hands to the alignment.
CANDIDATES = 40
#: Words of the pasted text used to find candidates (a long paste keeps its first ones).
QUERY_WORDS = 40

_WORD = re.compile(r"\w+(?:'\w+)*(?:[.,]\d+)*")
_NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor"})


@dataclass(frozen=True)
class WordChange:
    """One step of the word diff: ``same``, ``added`` (in the pasted text only),
    ``missing`` (in the indexed quote only) or ``changed`` (one for the other)."""

    kind: str
    pasted: str
    found: str


@dataclass(frozen=True)
class QuoteMatch:
    """An indexed quotation that matches the pasted text."""

    text: str
    speaker: str | None
    article_id: str
    headline: str
    date: str | None
    outlet: str | None
    paragraph: int
    score: float  # 0 to 1: words in common over the aligned stretch
    kind: str  # verbatim, near-verbatim, paraphrase, different
    diff: list[WordChange]
    #: Material differences: "negation" (a not/never/n't on one side only), "number".
    flags: list[str] = field(default_factory=list)
    #: The pasted text is only part of this quote.
    partial: bool = False


@dataclass(frozen=True)
class QuoteCheck:
    """The answer to "did they say that?" for one pasted quote."""

    text: str
    found: bool  # some match is verbatim or near-verbatim
    matches: list[QuoteMatch]  # best first
    speaker: str | None  # who said it, by the story's matches
    earliest: QuoteMatch | None  # the earliest dated article carrying it
    articles: int  # articles carrying it (near-verbatim or better), copies included
    message: str
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


def check_quote(ix: Index, text: str, *, speaker: str | None = None, limit: int = 10) -> QuoteCheck:
    """Find where the quote ``text`` was said, by whom, and how faithfully it is
    quoted. ``speaker``, when given, ranks that person's quotes first among
    equally good matches."""
    started = time.perf_counter()
    pasted = words(text)
    if not pasted:
        return QuoteCheck(text, False, [], None, None, 0, "Paste a quote to check.")
    matches = [
        match
        for article, quote in _candidates(ix, " ".join(pasted[:QUERY_WORDS]))
        if (match := compare(pasted, quote, article)).kind != "different"
    ]
    wanted = _fold(speaker or "")
    matches.sort(
        key=lambda m: (
            -m.score,
            not (wanted and wanted in _fold(m.speaker or "")),
            m.date is None,
            m.date or "",
        )
    )
    story = [m for m in matches if m.kind in ("verbatim", "near-verbatim")]
    said_by = Counter(m.speaker for m in story if m.speaker).most_common(1)
    dated = sorted((m for m in story if m.date), key=lambda m: m.date or "")
    articles = len({m.article_id for m in story})
    if story:
        best = story[0]
        message = (
            f"Said by {said_by[0][0] if said_by else 'an unnamed speaker'}, "
            f"in {articles} article{'s' if articles != 1 else ''}"
            + (f"; first on {dated[0].date[:10]}" if dated and dated[0].date else "")
            + (
                "."
                if best.kind == "verbatim"
                else ": the wording differs a little from what was pasted."
            )
        )
    elif matches:
        message = "Not found in these words: the closest quotations are shown."
    else:
        message = "This quote was not found in the indexed articles."
    return QuoteCheck(
        text=text,
        found=bool(story),
        matches=matches[:limit],
        speaker=said_by[0][0] if said_by else None,
        earliest=dated[0] if dated else (story[0] if story else None),
        articles=articles,
        message=message,
        elapsed=time.perf_counter() - started,
    )


def words(text: str) -> list[str]:
    """The words of a quote as compared: folded for case, accents and curly marks,
    punctuation dropped, contractions ("don't") and decimals ("1.6") kept whole."""
    return _WORD.findall(_fold(text))


def compare(pasted: list[str], quote: Any, article: Any) -> QuoteMatch:
    """Align the pasted words with one indexed quote."""
    found = words(quote.text)
    steps = _diff(pasted, found) if _may_match(pasted, found) else []
    partial = bool(steps) and (steps[0].kind == "missing" or steps[-1].kind == "missing")
    # Quote words before and after the pasted stretch are the rest of a longer quote.
    while steps and steps[0].kind == "missing":
        steps.pop(0)
    while steps and steps[-1].kind == "missing":
        steps.pop()
    common = sum(len(s.pasted.split()) for s in steps if s.kind == "same")
    aligned = sum(len(s.found.split()) for s in steps)
    score = 2 * common / (len(pasted) + aligned) if pasted and aligned else 0.0
    flags = _flags(steps) if score >= PARAPHRASE else []
    if score == 1.0:
        kind = "verbatim"
    elif score >= NEAR_VERBATIM:
        kind = "near-verbatim"
    elif score >= PARAPHRASE:
        kind = "paraphrase"
    else:
        kind = "different"
    return QuoteMatch(
        text=quote.text,
        speaker=quote.speaker,
        article_id=article.id,
        headline=article.headline,
        date=article.date,
        outlet=article.outlet,
        paragraph=quote.paragraph,
        score=round(score, 3),
        kind=kind,
        diff=steps,
        flags=flags,
        partial=partial and score > 0,
    )


def _may_match(pasted: list[str], found: list[str]) -> bool:
    """Can the alignment score reach PARAPHRASE? The words two texts have in common
    in order are at most the words they share, so a quote sharing too few is
    "different" without aligning it (most candidates' other quotes are)."""
    known = frozenset(pasted)
    shared = sum(1 for word in found if word in known)  # at least the words shared
    return bool(shared) and 2 * shared / (len(pasted) + shared) >= PARAPHRASE


def _candidates(ix: Index, text: str) -> list[tuple[Any, Any]]:
    """(article, quote) pairs from the articles whose quotes hold the pasted words,
    near-duplicate copies included (each copy is an article that carries it)."""
    articles = ix.quoted(text, limit=CANDIDATES)
    return [(article, quote) for article in articles for quote in article.quotes]


def _diff(pasted: list[str], found: list[str]) -> list[WordChange]:
    """The word diff, with a deletion next to an insertion read as one change."""
    steps: list[WordChange] = []
    for op in Indel.opcodes(pasted, found):
        mine = " ".join(pasted[op.src_start : op.src_end])
        theirs = " ".join(found[op.dest_start : op.dest_end])
        kind = {"equal": "same", "delete": "added", "insert": "missing"}[op.tag]
        if steps and kind != "same" and steps[-1].kind in ("added", "missing", "changed"):
            last = steps.pop()
            mine = " ".join(filter(None, (last.pasted, mine)))
            theirs = " ".join(filter(None, (last.found, theirs)))
            kind = "changed" if mine and theirs else kind
        steps.append(WordChange(kind, mine, theirs))
    return steps


def _flags(steps: list[WordChange]) -> list[str]:
    flags = []
    changed = [s for s in steps if s.kind != "same"]
    if any(_negations(s.pasted) != _negations(s.found) for s in changed):
        flags.append("negation")
    if any(_numbers(s.pasted) != _numbers(s.found) for s in changed):
        flags.append("number")
    return flags


def _negations(text: str) -> int:
    return sum(1 for w in text.split() if w in _NEGATIONS or w.endswith("n't"))


def _numbers(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isdigit() for c in w)]


def _fold(text: str) -> str:
    if text.isascii():  # most quotes: nothing to decompose
        return text.lower()
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
