"""Places named in an article, resolved to gazetteer entries.

Candidates are runs of capitalised words, and a run counts only as a whole:
"Manchester United", "Bank of England" or "London Stock Exchange" are
organisations and "Bill Clinton" is a person, though each holds a place name.
Then each place needs evidence from its mentions:

* countries, continents, regions and cities of over a million people count as
  they stand, unless every mention is a sports team ("France were beaten",
  "against Israel", "Castres fly-half");
* a smaller city, or a city named by one of its alternate names, needs one
  mention in a place's position: after "in", "at", "from", "near"…, or "the city
  of" (so "Nokia said" and "the Commonwealth" are not places);
* a one-word name opening a sentence needs the article to write it
  mid-sentence too, and a name the article uses as a surname ("Bill Clinton"),
  or after a title ("Mr Jordan"), is a person;
* streets and landmarks ("Ushakova Avenue", "Stade de France") count by their
  first or last word even when the gazetteer lacks them, and take the country
  the rest of the article is about;
* a name with several entries ("Georgia", "Surrey") takes the one in a country
  the article otherwise names, else the most prominent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from search.articles import Place
from search.extract.gazetteer import Entry, fold, gazetteer
from search.extract.vocabulary import CALENDAR, FUNCTION_WORDS, SPORT, TITLES

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:\.[A-Z]\w*)*\.?"
# Capitalised words joined by spaces and connectors ("Bay of Biscay", "Stade de France");
# a word ending in a full stop or a possessive ends the run.
_JOIN = r"(?<![.'’]s)(?<!\.)[ \t]+(?:(?:of|de|la|le|del|upon|on|am|der|du|and)[ \t]+)*"
_RUN = re.compile(rf"{_CAP}(?:{_JOIN}{_CAP})*")
# Connectors that may join two names rather than make one ("Britain and France", "Kiev on Sunday").
_COORDINATORS = {"and", "on", "upon", "am"}
_LANDMARK_WORDS = {
    "avenue": "street",
    "street": "street",
    "road": "street",
    "boulevard": "street",
    "lane": "street",
    "prospekt": "street",
    "highway": "street",
    "square": "landmark",
    "bridge": "landmark",
    "palace": "landmark",
    "stadium": "landmark",
    "stade": "landmark",
    "airport": "landmark",
    "cathedral": "landmark",
    "abbey": "landmark",
    "castle": "landmark",
    "tower": "landmark",
    "park": "landmark",
    "arena": "landmark",
    "museum": "landmark",
    "gallery": "landmark",
}
# After a country at the start of a run, words that make it attributive: "US President".
_ATTRIBUTIVE = TITLES | {
    "foreign",
    "prime",
    "home",
    "defence",
    "deputy",
    "finance",
    "trade",
    "ambassador",
    "embassy",
    "government",
    "officials",
    "envoy",
    "troops",
    "forces",
    "army",
    "navy",
}
_BIG_CITY = 500_000
# Words of sports reporting. In a sports story a country or city is usually a team
# ("France play Ireland"), so there it needs a place's position like a small town.
_SPORT_WORDS = 6
_LOCATIVE = re.compile(
    r"\b(?:in|at|from|near|outside|inside|into|across|around|towards?|via|through|throughout|"
    r"within|between|beyond|to|visit|visited|visiting|representing|"
    r"(?:city|town|village|capital|port|region|"
    r"province|state|county|island|district|suburbs?|outskirts|streets|heart|centre|north|south|"
    r"east|west|parts) of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_TEAM_BEFORE = re.compile(
    r"\b(?:against|beat|beating|beaten by|v|vs|versus|face|faces|faced|facing|play|plays|playing|"
    r"host|hosts|hosting|over|lost to|defeat|defeated|thrashed|edged|drew with|draw with)\s+$",
    re.IGNORECASE,
)
_TEAM_AFTER = re.compile(
    r"^\s+(?:were|are|have|beat|won|lost|drew|side|team|squad|coach|captain|manager|fans|"
    r"players?|skipper|boss|international|fly-half|scrum-half|striker|winger|prop|lock|"
    r"full-back|centre|flanker|defender|midfielder|goalkeeper|forward|XV|\d+-\d+)\b"
)


@dataclass
class _Run:
    words: list[str]
    start: int
    sentence_start: bool
    after_title: bool
    before: str = ""  # the text just before the run
    after: str = ""  # the text just after it

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class _Mentions:
    """The mentions of one name in the article and what they say about it."""

    name: str
    candidates: list[Entry] = field(default_factory=list)
    kind: str | None = None  # street or landmark, when no gazetteer entry is needed
    locative: bool = False
    team_only: bool = True


def find_places(headline: str, paragraphs: Sequence[str]) -> list[Place]:
    """Distinct places in headline and body, each named as first written."""
    runs = [run for text in (headline, *paragraphs) for run in _runs(text)]
    mid_sentence = {fold(r.text) for r in runs if not r.sentence_start}
    person_words = {fold(r.words[-1]) for r in runs if _looks_like_name(r)} | {
        fold(r.text) for r in runs if r.after_title
    }
    names: dict[str, _Mentions] = {}
    for run in runs:
        for part in _place_parts(run, mid_sentence, person_words):
            mentions = names.setdefault(fold(part.text), _Mentions(part.text))
            if not mentions.candidates and mentions.kind is None:
                _describe(mentions, part)
            mentions.locative |= bool(_LOCATIVE.search(part.before[-30:]))
            mentions.team_only &= bool(
                _TEAM_BEFORE.search(part.before[-20:]) or _TEAM_AFTER.match(part.after)
            )
    countries = _article_countries(names.values())
    words = set(re.findall(r"[a-z][a-z-]*", " ".join(paragraphs).lower()))
    sport = len(words & SPORT) >= _SPORT_WORDS
    places: dict[str, Place] = {}
    for mentions in names.values():
        place = _choose(mentions, countries, sport=sport)
        if place is not None:
            key = str(place.geonameid) if place.geonameid else fold(place.canonical)
            places.setdefault(key, place)
    dominant = Counter(p.country for p in places.values() if p.country).most_common(1)
    return [
        p
        if p.country or p.kind not in ("street", "landmark")
        else Place(**{**p.__dict__, "country": _landmark_country(p.name, dominant)})
        for p in places.values()
    ]


def _landmark_country(name: str, dominant: Sequence[tuple[str, int]]) -> str | None:
    """ "Stade de France" is in France; "Ushakova Avenue" in the country the story is about."""
    for word in name.split():
        entry = gazetteer().lookup(word)
        if entry is not None and entry.kind == "country":
            return entry.country
    return dominant[0][0] if dominant else None


def _describe(mentions: _Mentions, run: _Run) -> None:
    words = [w.lower() for w in run.words]
    for word in (words[-1], words[0]):
        if len(words) > 1 and word in _LANDMARK_WORDS:
            mentions.kind = _LANDMARK_WORDS[word]
            return
    mentions.candidates = gazetteer().candidates(run.text)


def _article_countries(all_mentions: Iterable[_Mentions]) -> set[str]:
    """Countries the article names without ambiguity: context for the ambiguous names."""
    return {
        m.candidates[0].country
        for m in all_mentions
        if len(m.candidates) == 1 and m.candidates[0].country
    }


def _choose(mentions: _Mentions, countries: set[str], *, sport: bool) -> Place | None:
    if mentions.kind is not None:
        return Place(name=mentions.name, canonical=mentions.name, kind=mentions.kind)
    if not mentions.candidates:
        return None
    entry = max(
        mentions.candidates, key=lambda e: (e.country in countries, e is mentions.candidates[0])
    )
    main_name = gazetteer().is_main_name(mentions.name, entry)
    if mentions.team_only:
        return None
    strong = entry.kind in ("continent", "water") or (
        not sport
        and (
            entry.kind == "country"
            or (entry.kind == "region" and (entry.major or entry.country in countries))
            or (entry.population >= _BIG_CITY and main_name)
        )
    )
    if not strong and not mentions.locative:
        return None
    return Place(
        name=mentions.name,
        canonical=entry.name,
        kind=entry.kind,
        country=entry.country,
        geonameid=entry.geonameid,
        latitude=entry.latitude,
        longitude=entry.longitude,
        alternate_names=entry.alternate_names,
    )


def _place_parts(run: _Run, mid_sentence: set[str], person_words: set[str]) -> list[_Run]:
    """The run as one place name, else its parts between "and"/"on", else a leading
    country used attributively ("US President George Bush")."""
    if _plausible(run, mid_sentence, person_words):
        return [run]
    parts: list[_Run] = []
    words: list[str] = []
    for index, word in enumerate([*run.words, "and"]):
        if word in _COORDINATORS:
            if words and len(words) < len(run.words):
                first = index - len(words) == 0
                # "in Korea and Japan": the preposition covers every part.
                part = _Run(
                    words,
                    run.start,
                    run.sentence_start and first,
                    run.after_title and first,
                    run.before,
                    run.after if index == len(run.words) else "",
                )
                if _plausible(part, mid_sentence, person_words):
                    parts.append(part)
            words = []
        else:
            words.append(word)
    if not parts:
        for size in range(min(3, len(run.words) - 1), 0, -1):
            head = run.words[:size]
            if run.words[size].lower() in _ATTRIBUTIVE:
                entry = gazetteer().lookup(" ".join(head))
                if entry is not None and entry.kind == "country":
                    parts.append(_Run(head, run.start, False, False, run.before, ""))
                    break
    return parts


def _plausible(run: _Run, mid_sentence: set[str], person_words: set[str]) -> bool:
    """Could this run name a place, before weighing the article's evidence?"""
    words = [w.lower() for w in run.words]
    if len(words) > 1 and (words[0] in _LANDMARK_WORDS or words[-1] in _LANDMARK_WORDS):
        return True
    if len(words) == 1 and words[0] in CALENDAR:
        return False
    entry = gazetteer().lookup(run.text)
    if entry is None:
        return False
    if run.text.isupper() and entry.kind != "country":
        return False  # an acronym: "FDA" is not a town in Chad
    strong = entry.kind in ("country", "continent") or entry.population >= _BIG_CITY
    if run.after_title and not strong:
        return False
    if len(words) == 1 and not strong:
        key = fold(run.text)
        if run.sentence_start and key not in mid_sentence:
            return False
        if key in person_words:
            return False
    return True


def _looks_like_name(run: _Run) -> bool:
    """Two or three capitalised words with no connector: "Bill Clinton", not "Bay of Biscay"."""
    return 1 < len(run.words) <= 3 and all(w[0].isupper() for w in run.words)


def _runs(text: str) -> Iterable[_Run]:
    """Maximal runs of capitalised words, split at punctuation, without sentence openers."""
    for match in _RUN.finditer(text):
        first = match.start()
        before = text[max(0, first - 40) : first]
        stripped = before.rstrip()
        sentence_start = not stripped or stripped[-1] in ".!?:\"“‘'—–("
        after_title = bool(stripped) and stripped.split()[-1].lower().rstrip(".") in TITLES
        tokens = [_strip_possessive(t.rstrip(".")) for t in match.group().split()]
        if sentence_start and tokens[0].lower() in FUNCTION_WORDS:
            tokens = tokens[1:]  # "In Berdyansk": "In" stays as context
            sentence_start = False
            first = match.start() + len(match.group().split(None, 1)[0]) + 1
            before = text[max(0, first - 40) : first]
        if not tokens or tokens[0].lower() in TITLES:
            continue
        if tokens == ["States"] and before.lower().endswith("the "):
            tokens = ["the", "States"]  # "the States": the one alias that needs its article
        yield _Run(
            tokens, first, sentence_start, after_title, before, text[match.end() : match.end() + 40]
        )


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)
