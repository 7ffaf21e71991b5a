"""Where sentences end, in news text that abbreviates.

US newspapers write "Mr. Rove", "Sen. Ted Cruz", "George W. Bush" and "U.S.
officials": a full stop after a title, an initial or a one-letter part of an
abbreviation does not end the sentence. Every extractor that looks for "the
rest of this sentence" cuts with these patterns, so "said Dr. Harold Varmus"
is not read as "said Dr." followed by a new sentence.
"""

from __future__ import annotations

import re

# Abbreviations that stand before a name or a number and never end a sentence
# in news copy (a regular-expression alternation, without the full stop).
ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Sen|Rep|Reps|Del|Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|Brig|Rev|Prof|St|Ft|Mt|"
    "Jr|Sr|Atty|Supt|Det|Insp|Amb|Hon|Pres|Gens|Cpl|Pvt|No|Nos|Vol|vs|Jan|Feb|Aug|Sept|Oct|"
    "Nov|Dec|Corp|Inc|Co|Bros"
)


def _not_after(words: list[str]) -> str:
    """Lookbehinds for the position just after a full stop: not after one of
    ``words`` nor after a single capital (an initial, or the "S" of "U.S.").
    One lookbehind per word length (a lookbehind needs a fixed width): one per
    word made every full stop try fifty of them, five times the cost of the split."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    groups = [rf"(?<!\b(?:{'|'.join(group)})\.)" for _, group in sorted(by_length.items())]
    return "".join(groups) + r"(?<!\b[A-Z]\.)"


_NOT_ABBREVIATED = _not_after(ABBREVIATIONS.split("|"))

#: The gap between two sentences: end punctuation, an optional closing mark, white space.
SENTENCE_GAP = re.compile(rf"(?<=[.!?]){_NOT_ABBREVIATED}[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")
#: A sentence end followed by any white space, or a quotation mark: where an
#: attribution after a quote stops.
CLAUSE_END = re.compile(rf"(?<=[.!?]){_NOT_ABBREVIATED}\s|[\"“”]|''")
#: A sentence end before a capital, or a quotation mark: where an attribution
#: before a quote starts.
CLAUSE_START = re.compile(rf"[.!?]{_NOT_ABBREVIATED}(?:[\"”]|'')?\s+(?=[A-Z])|[\"“”]|''")
