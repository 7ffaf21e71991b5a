"""Places named in an article, resolved to gazetteer entries.

Candidates are runs of capitalised words. A run counts as a place only as a
whole: "Manchester United", "Bank of England" or "London Stock Exchange" are
organisations, and "Bill Clinton" a person, even though they hold a place
name. Guards for homographs (a town called "Police" or "Reading"):

* a one-word name opening a sentence counts only if it is a country or a city
  of over a million people, or the article also writes it mid-sentence;
* a name that the article also uses as the last word of a longer name ("Bill
  Clinton"), or after a title ("Mr Jordan"), is a person, unless it is a
  country or a city of over a million people;
* streets and landmarks ("Ushakova Avenue", "Downing Street") count by their
  last word even when the gazetteer lacks them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.articles import Place
from search.extract.gazetteer import Entry, fold, gazetteer
from search.extract.vocabulary import FUNCTION_WORDS, TITLES

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž][\w'’.\-]*")
_CONNECTORS = {"of", "de", "la", "le", "del", "upon", "on", "am", "der", "du", "and"}
# Connectors that may join two names rather than make one ("Britain and France", "Kiev on Sunday").
_COORDINATORS = {"and", "on", "upon", "am"}
_STREETS = {
    "avenue": "street",
    "street": "street",
    "road": "street",
    "square": "landmark",
    "boulevard": "street",
    "lane": "street",
    "prospekt": "street",
    "highway": "street",
    "bridge": "landmark",
    "palace": "landmark",
    "stadium": "landmark",
    "airport": "landmark",
    "cathedral": "landmark",
    "abbey": "landmark",
    "castle": "landmark",
    "tower": "landmark",
    "park": "landmark",
    "arena": "landmark",
}
_BIG_CITY = 1_000_000


@dataclass
class _Run:
    words: list[str]
    start: int
    sentence_start: bool
    after_title: bool

    @property
    def text(self) -> str:
        return " ".join(self.words)


def find_places(headline: str, paragraphs: Sequence[str]) -> list[Place]:
    """Distinct places in headline and body, each named as first written."""
    runs = [run for text in (headline, *paragraphs) for run in _runs(text)]
    mid_sentence = {fold(r.text) for r in runs if not r.sentence_start}
    person_words = {fold(r.words[-1]) for r in runs if _looks_like_name(r)} | {
        fold(r.text) for r in runs if r.after_title
    }
    places: dict[str, Place] = {}
    for run in runs:
        for place in _resolve_run(run, mid_sentence, person_words):
            key = str(place.geonameid) if place.geonameid else fold(place.canonical)
            places.setdefault(key, place)
    return list(places.values())


def _resolve_run(run: _Run, mid_sentence: set[str], person_words: set[str]) -> list[Place]:
    """The run as one place, or else its parts between "and"/"on" as places of their own."""
    whole = _resolve(run, mid_sentence, person_words)
    if whole is not None:
        return [whole]
    places = []
    part: list[str] = []
    for word in [*run.words, "and"]:
        if word in _COORDINATORS:
            if part and len(part) < len(run.words):
                sub = _Run(
                    part,
                    run.start,
                    run.sentence_start and part[0] == run.words[0],
                    run.after_title and part[0] == run.words[0],
                )
                place = _resolve(sub, mid_sentence, person_words)
                if place is not None:
                    places.append(place)
            part = []
        else:
            part.append(word)
    return places


def _resolve(run: _Run, mid_sentence: set[str], person_words: set[str]) -> Place | None:
    key = fold(run.text)
    last = run.words[-1].lower()
    if len(run.words) > 1 and last in _STREETS:
        return Place(name=run.text, canonical=run.text, kind=_STREETS[last])
    entry = gazetteer().lookup(run.text)
    if entry is None:
        return None
    strong = entry.kind in ("country", "continent") or entry.population >= _BIG_CITY
    if run.after_title and not strong:
        return None
    if len(run.words) == 1 and not strong:
        if run.sentence_start and key not in mid_sentence:
            return None
        if key in person_words and not _is_multiword_place(key):
            return None
    return _place(run.text, entry)


def _looks_like_name(run: _Run) -> bool:
    """Two or three capitalised words with no connector: "Bill Clinton", not "Bay of Biscay"."""
    return 1 < len(run.words) <= 3 and all(w[0].isupper() for w in run.words)


def _is_multiword_place(key: str) -> bool:
    return " " in key


def _place(name: str, entry: Entry) -> Place:
    return Place(
        name=name,
        canonical=entry.name,
        kind=entry.kind,
        country=entry.country,
        geonameid=entry.geonameid,
        latitude=entry.latitude,
        longitude=entry.longitude,
        alternate_names=entry.alternate_names,
    )


def _runs(text: str) -> Iterable[_Run]:
    """Maximal runs of capitalised words, split at punctuation, without sentence openers."""
    words = list(_WORD.finditer(text))
    current: list[re.Match[str]] = []

    def flush() -> Iterable[_Run]:
        while current and current[-1].group().lower() in _CONNECTORS:
            current.pop()
        if not current:
            return
        first = current[0].start()
        before = text[:first].rstrip()
        sentence_start = not before or before[-1] in ".!?:\"“‘'—–("
        after_title = bool(before) and before.split()[-1].lower().rstrip(".") in TITLES
        tokens = [_strip_possessive(m.group().rstrip(".")) for m in current]
        if sentence_start and tokens[0].lower() in FUNCTION_WORDS:
            tokens = tokens[1:]
            first = current[1].start() if len(current) > 1 else first
            sentence_start = False
        if tokens and tokens[0].lower() in TITLES:
            return
        if tokens:
            yield _Run(tokens, first, sentence_start, after_title)

    for index, match in enumerate(words):
        word = match.group()
        gap = text[words[index - 1].end() : match.start()] if index else ""
        joined = current and gap.strip() == "" and not words[index - 1].group().endswith(".")
        if word[0].isupper() and (joined or not current):
            current.append(match)
        elif word[0].isupper():
            yield from flush()
            current = [match]
        elif joined and word in _CONNECTORS:
            current.append(match)
        else:
            yield from flush()
            current = []
    yield from flush()


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)
