"""People named in an article, so that "he", "Mr Blair" or "the Tory leader" can
be resolved to the full name the article introduced ("Tony Blair").

Names are read from the text outside quotation marks (a name inside a quote is
not a speaker). A person mention is a run of two to four capitalised words that
is not a place or an organisation ("Bank of England", "BBC News"), or a title
with a surname ("Mr Blair"), or a surname the article has already given in
full. Resolving a pronoun or a definite description looks back sentence by
sentence for the most salient person: the subject of a speech verb ("Mr Jeffrey
said …") first, then a name opening the sentence, the usual subject in news.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from search.extract.gazetteer import gazetteer
from search.extract.sentences import SENTENCE_GAP
from search.extract.vocabulary import (
    CALENDAR,
    DEMONYMS,
    FUNCTION_WORDS,
    OPENERS,
    ORG_WORDS,
    PERSON_ROLES,
    ROLE_MODIFIERS,
    SPEECH_VERBS,
    TITLES,
)

__all__ = ["PERSON_ROLES", "SPEECH_VERBS", "People", "clean_speaker", "person_name"]

_CAP = r"[A-Z][\w'’\-]*\w|[A-Z]"
# A possessive ends a name: "Gordon Brown's Budget" holds "Gordon Brown".
_RUN = re.compile(
    rf"(?:{_CAP})(?:(?<!'s)(?<!’s)[ \t]+(?:(?:de|da|van|von|der|den|bin|al|le|di|du|la|dos|del)"
    rf"[ \t]+)*(?:{_CAP}))*"
)
_SPEECH_AFTER = re.compile(
    rf"^(?:,[^,\"“”]{{1,80}},)?\s*,?\s*(?:who\s+|which\s+)?(?:has\s+|had\s+|also\s+|then\s+)?"
    rf"(?:{SPEECH_VERBS})\b"
)
# "said judge Claire Armistead", "wrote S&P analyst Helena Hessel"; not "went on to accuse X".
_SPEECH_BEFORE = re.compile(
    rf"\b(?:{SPEECH_VERBS})\s+(?:(?!(?:to|of|for|with|by|and)\b)[\w&'’\-]+\s+){{0,4}}$"
)
# Up to three words before a name that say what the person is: "Tory leader Michael Howard".
_ROLE_BEFORE = re.compile(r"((?:[A-Za-z][\w\-]*\s+){1,3})$")
_SUBJECT_PRONOUN = re.compile(r"^\W*(?:He|She)\b")
_LOOK_BACK = 12  # sentences a pronoun may reach back


@dataclass(frozen=True)
class Mention:
    start: int
    name: str  # the full name where the article gives one
    speech: bool  # subject of a speech verb ("Mr Jeffrey said")


_ROLE_WORDS = frozenset(w for w in PERSON_ROLES.split("|") if w.isalpha())


_ORG_ENDINGS = frozenset({"inc", "corp", "ltd", "plc", "llc", "group", "co", "ag", "sa"})


def _is_organisation(run: str) -> bool:
    """An organisation's name: an acronym ("NATO", "BBC"), or words such as
    "Ministry", "Bank" or "Inc" in it ("Bank of England", "Acme Corp")."""
    lowered = run.lower().replace("’", "'").replace("'s", "").replace(".", "").split()
    if not lowered or lowered[0] in FUNCTION_WORDS or lowered[0] in OPENERS:
        return False
    if len(lowered) == 1:
        word = run.rstrip(".’'s")
        return len(word) >= 2 and word.isupper() and gazetteer().lookup(word) is None
    return lowered[-1] in _ORG_ENDINGS or any(w in ORG_WORDS for w in lowered)


def _strip_possessive(word: str) -> str:
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word[:-1] if word.endswith(("'", "’")) else word


def _is_descriptor(word: str) -> bool:
    """A word that describes rather than names: a title, a role, a nationality
    ("Russian", or "Californian" from California), a conjunction, an adverb, a day."""
    lowered = word.lower().rstrip(".")
    if lowered in TITLES or lowered in _ROLE_WORDS or lowered in DEMONYMS:
        return True
    if lowered in ROLE_MODIFIERS:
        return True
    if lowered in FUNCTION_WORDS or lowered in OPENERS or lowered in CALENDAR:
        return True
    return lowered.endswith("n") and _is_country_or_state(word[:-1])


@lru_cache(maxsize=8192)
def _is_country_or_state(name: str) -> bool:
    entry = gazetteer().lookup(name)
    return entry is not None and (
        entry.kind == "country" or (entry.kind == "region" and entry.major)
    )


@lru_cache(maxsize=65536)
def clean_speaker(speaker: str, *, surname: bool = False) -> str | None:
    """A speaker value as a facet should show it: "But Ferguson" → "Ferguson",
    "Boss Henk Addink" → "Henk Addink", "Californian Thomas Slattery" →
    "Thomas Slattery"; a bare nationality, country or weekday ("American",
    "England", "Friday") is no speaker at all. Lower-case descriptions ("a
    spokesman for Sony") stay as written. ``surname``: the text wrote a title
    before this one word ("Mr. King", "Mr. English", "Mr. Burman"), so it is
    a person's name even when it is also a title, a nationality or a place's."""
    words = speaker.split()
    if not words or not words[0][:1].isupper():
        return speaker
    while len(words) > 1 and _is_descriptor(words[0]) and words[1][:1].isupper():
        words = words[1:]
    if len(words) == 1 and surname:
        lowered = words[0].lower()
        return None if lowered in FUNCTION_WORDS or lowered in CALENDAR else words[0]
    if len(words) == 1:
        lowered = words[0].lower().rstrip(".")
        if lowered in DEMONYMS or lowered in CALENDAR or lowered in OPENERS:
            return None
        if lowered in FUNCTION_WORDS or _is_country_or_state(words[0]):
            return None
        if _is_descriptor(words[0]):
            return None
    return " ".join(words)


@lru_cache(maxsize=65536)
def person_name(text: str) -> tuple[str, bool] | None:
    """``(name, titled)`` if ``text`` names a person, else None.

    "Tory leader Michael Howard" → ("Michael Howard", False); "Mr Straw" →
    ("Straw", True); "Russian Igor Andreev" → ("Igor Andreev", False).
    """
    tokens = [t for t in re.split(r"\s+", text.strip()) if t]
    while tokens and tokens[0].lower() in FUNCTION_WORDS:
        tokens = tokens[1:]
    titled = False
    last = len(tokens) - 1
    # "Mr. King", "Mr. English": after a title, a word that is also a title is the surname.
    if last >= 1 and all(t.lower().rstrip(".") in TITLES for t in tokens[last - 1 :]):
        last -= 1
    for index in range(last, -1, -1):
        if tokens[index].lower().rstrip(".") in TITLES:
            tokens, titled = tokens[index + 1 :], True
            break
    if len(tokens) >= 3 and tokens[0].lower() in DEMONYMS:
        tokens = tokens[1:]
    # "the Observer's Philip French", "Iowa State University's Dianne Bystrom": the
    # name follows its employer's possessive.
    owners = [i for i, t in enumerate(tokens[:-1]) if t.endswith(("'s", "’s"))]
    if owners:
        tokens = tokens[owners[-1] + 1 :]
    tokens = [_strip_possessive(t) for t in tokens]
    if not tokens or not 1 <= len(tokens) <= 4 or (len(tokens) == 1 and not titled):
        return None
    lowered = [t.lower() for t in tokens]
    surname_only = titled and len(tokens) == 1  # "Mrs. May", "Mr. English": a surname
    # A nationality or a month may end a name as its surname ("Philip French",
    # "Theresa May"), not start it ("American", "Friday").
    given = lowered[:-1] if len(lowered) > 1 else lowered
    if not surname_only and (
        any(t in ORG_WORDS for t in lowered) or any(t in CALENDAR or t in DEMONYMS for t in given)
    ):
        return None
    if any(len(t) > 1 and t.isupper() for t in tokens):
        return None  # BBC, MPAA: an acronym, not a person
    name = " ".join(tokens)
    # "San Francisco Chronicle", "New York Times": a place of two words or more, then more.
    for size in range(len(tokens), 1, -1):
        if gazetteer().lookup(" ".join(tokens[:size])) is not None:
            return None
    return name, titled


class People:
    """Person mentions of one article, in body order, and their resolution."""

    def __init__(self, blanked: Sequence[str], offsets: Sequence[int]) -> None:
        self.full_names: list[tuple[int, str]] = []
        self.roles: list[tuple[str, str]] = []  # ("tory leader", "Michael Howard")
        self.sentences: list[tuple[int, int]] = []  # (start, end) in body offsets
        self.mentions: list[Mention] = []
        # start, run, before, after, name
        self._runs: list[tuple[int, str, str, str, str]] = []
        self._organisations: list[tuple[int, str]] | None = None  # found on first use
        self._pronoun_starts: set[int] = set()
        for text, offset in zip(blanked, offsets, strict=True):
            start = 0
            for cut in [*SENTENCE_GAP.finditer(text), None]:
                end = cut.start() if cut else len(text)
                self.sentences.append((offset + start, offset + end))
                if _SUBJECT_PRONOUN.match(text[start:end]):
                    self._pronoun_starts.add(offset + start)
                start = cut.end() if cut else start
            for match in _RUN.finditer(text):
                # Bounded windows: the patterns look a clause either side, and a
                # whole-text slice per name made long articles quadratic.
                before = text[max(0, match.start() - 120) : match.start()]
                after = text[match.end() : match.end() + 160]
                found = person_name(match.group())
                if found is not None and " " in found[0]:
                    self.full_names.append((offset + match.start(), found[0]))
                    self._role(before, match.group(), found[0])
                self._runs.append(
                    (
                        offset + match.start(),
                        match.group(),
                        before,
                        after,
                        found[0] if found else "",
                    )
                )
        self._by_surname: dict[str, tuple[list[int], list[str]]] = {}
        for start, name in self.full_names:
            starts, names = self._by_surname.setdefault(name.split()[-1], ([], []))
            starts.append(start)
            names.append(name)
        surnames = self._by_surname.keys()
        for start, run, before, after, name in self._runs:
            if not name and run in surnames:
                name = run  # "Henman", once the article has said "Tim Henman"
            if not name or run.endswith(("'s", "’s")):
                continue  # not a person, or a possessive: "Mr Brown's Budget"
            speech = bool(_SPEECH_AFTER.match(after) or _SPEECH_BEFORE.search(before[-60:]))
            self.mentions.append(Mention(start, self.full_name(name, start), speech))
        self._mention_starts = [m.start for m in self.mentions]
        self._spoken: list[Mention] = []  # speakers of the quotes found so far
        self._spoken_starts: list[int] = []
        self._sentence_starts = [start for start, _ in self.sentences]

    def _role(self, before: str, run: str, name: str) -> None:
        words = run.split()[: -len(name.split())]  # "Tory leader" inside the run, if any
        match = _ROLE_BEFORE.search(before[-40:])
        role = " ".join([*(match.group(1).split() if match else []), *words]).lower()
        if role:
            self.roles.append((role, name))

    def by_role(self, description: str) -> str | None:
        """The person the article introduced with this role: "the Tory leader" → Michael Howard."""
        words = description.lower().split()[1:]  # without "the"
        for role, name in reversed(self.roles):
            if len(words) and role.split()[-len(words) :] == words:
                return name
        return None

    def full_name(self, name: str, at: int) -> str:
        """The full name for a surname ("Blair" → "Tony Blair"), nearest before ``at`` first."""
        if " " in name:
            return name
        found = self._by_surname.get(name)
        if not found:
            return name
        starts, names = found
        index = bisect.bisect_right(starts, at)
        return names[index - 1] if index else names[0]

    def add_speaker(self, name: str, at: int) -> None:
        """A person who speaks a quote counts as a speech mention where the quote stands."""
        # Quotes come in body order, so appending keeps this list sorted (inserting
        # into the list of names made 20,000 quotes quadratic).
        if person_name(name) is not None and (
            not self._spoken_starts or at >= self._spoken_starts[-1]
        ):
            self._spoken_starts.append(at)
            self._spoken.append(Mention(at, name, True))

    def organisation(self, at: int) -> str | None:
        """The organisation an "it said" or "the company said" at ``at`` refers to:
        the last one named in this sentence or the two before it."""
        if self._organisations is None:
            self._organisations = [
                (start, _strip_possessive(run))
                for start, run, _, _, name in self._runs
                if not name and _is_organisation(run)
            ]
        index = bisect.bisect_left(self._organisations, (at, ""))
        if not index:
            return None
        sentence = bisect.bisect_right(self._sentence_starts, at)
        earliest = self._sentence_starts[max(0, sentence - 3)] if sentence else 0
        start, name = self._organisations[index - 1]
        return name if start >= earliest else None

    @staticmethod
    def _within(mentions: list[Mention], starts: list[int], start: int, end: int) -> list[Mention]:
        return mentions[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def salient(self, at: int) -> str | None:
        """The person a "he", "she" or "the minister" at ``at`` most likely refers to.

        Looks back at most :data:`_LOOK_BACK` sentences: a pronoun rarely reaches
        further, and an unbounded look-back made articles with thousands of
        quotes quadratic.
        """
        last = bisect.bisect_right(self._sentence_starts, at)
        for start, end in reversed(self.sentences[max(0, last - _LOOK_BACK) : last]):
            inside = sorted(
                [
                    *self._within(self.mentions, self._mention_starts, start, min(end, at)),
                    *self._within(self._spoken, self._spoken_starts, start, min(end, at)),
                ],
                key=lambda m: m.start,
            )
            speech = [m for m in inside if m.speech]
            if speech:
                return speech[-1].name
            if start in self._pronoun_starts:
                continue  # "He went on to accuse Mr Brown": the subject is further back
            if inside and inside[0].start - start <= 40:
                return inside[0].name
        return None
