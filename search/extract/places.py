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

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from search.articles import Place
from search.extract.gazetteer import Entry, fold, gazetteer
from search.extract.sentences import ABBREVIATIONS
from search.extract.vocabulary import CALENDAR, DEMONYMS, FUNCTION_WORDS, SPORT, TITLES

# "U.S." and "U.K." keep their stops; "Kiev.The" (a lost space) is two words.
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:\.[A-Z](?![a-z]))*\.?"
# Capitalised words joined by spaces and connectors ("Bay of Biscay", "Stade de France");
# a word ending in a full stop or a possessive ends the run.
_JOIN = r"(?<![.'’]s)(?<!\.)[ \t]+(?:(?:of|de|la|le|del|upon|on|am|der|du|and)[ \t]+)*"
# Not inside a word: "iTunes" holds no "Tunes" (an alternate name of Tunis).
_RUN = re.compile(rf"(?<![\w'’]){_CAP}(?:{_JOIN}{_CAP})*")
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
# A city in the country the story is mostly about needs less evidence: "shelling
# of Mariupol" in a story about Ukraine.
_HOME_CITY = 50_000
_VARIANT_SIMILARITY = 0.7
_VARIANT_LENGTH = 2
# "Mr. Rove", "U.S. Treasury": a full stop after these does not start a sentence.
_ABBREVIATED = frozenset(ABBREVIATIONS.split("|"))
# "LONDON 1996-08-30", "KYIV, Ukraine (Reuters) -": a capitalised place opening
# one of the first paragraphs, then a date, an agency or a dash.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,2})"
    r"(?:,\s*[A-Z][\w.]+(?: [A-Z][\w.]+)?)?\s*"
    r"(?:\d{4}-\d\d-\d\d|\d{1,2} [A-Z][a-z]+|\([A-Za-z ]+\)|[—–-])"
)
_DATELINE_PARAGRAPHS = 3
_HYPHENATED = re.compile(r"-[a-z]")  # "Russian-speaking": a description, not a name
_LIST_GAP = re.compile(r"(?:,|,?\s+(?:and|or))\s*$")
# Words of sports reporting. In a sports story a country or city is usually a team
# ("France play Ireland"), so there it needs a place's position like a small town.
_SPORT_WORDS = 6
_LOCATIVE = re.compile(
    r"\b(?:in|at|from|near|outside|inside|into|across|around|towards?|via|through|throughout|"
    r"within|between|beyond|to|visit|visited|visiting|representing|"
    r"(?:city|town|village|capital|port|region|"
    r"province|state|county|island|district|suburbs?|outskirts|streets|heart|centre|north|south|"
    r"east|west|parts|residents|mayor|governor|people|siege|battle|occupation|liberation|"
    r"shelling|bombing|outskirts|capture) of|"
    # "in nearby Bucha", "in besieged Mariupol": one word between.
    r"(?:in|at|near|from|into|outside|around|across)\s+(?:[a-z]+-)?(?:[a-z]+ed|nearby|neighbou?ring|"
    r"northern|southern|eastern|western|central))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "Kharkiv Oblast", "Kherson Region": an administrative word after a place's name.
_REGION_WORDS = frozenset(
    {"oblast", "oblasts", "region", "regions", "province", "provinces", "governorate", "krai"}
)
_TEAM_BEFORE = re.compile(
    r"\b(?:against|beat|beating|beaten by|v|vs|versus|face|faces|faced|facing|play|plays|playing|"
    r"host|hosts|hosting|over|lost to|defeat|defeated|thrashed|edged|drew with|draw with)\s+$",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_OPENING_PUNCTUATION = "([{\"'“‘’—–-/"
# The words _LOCATIVE and _TEAM_BEFORE can end with (besides any "…ed" participle).
_LOCATIVE_LAST = _words(
    "in at from near outside inside into across around toward towards via through "
    "throughout within between beyond to visit visited visiting representing of "
    "nearby neighboring neighbouring northern southern eastern western central"
)
_TEAM_LAST = _words(
    "against beat beating by v vs versus face faces faced facing play plays playing host "
    "hosts hosting over to defeat defeated thrashed edged with"
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
    region: bool = False  # "Kharkiv Oblast": the region named after the candidates' place
    evidence: str | None = None  # the country it tells the story is about, if clearly one


def find_places(headline: str, paragraphs: Sequence[str]) -> list[Place]:
    """Distinct places in headline and body, each named as first written."""
    runs = [run for text in (headline, *paragraphs) for run in _runs(text)]
    mid_sentence = {fold(r.text) for r in runs if not r.sentence_start}
    person_words = {fold(r.words[-1]) for r in runs if _looks_like_name(r)} | {
        fold(r.text) for r in runs if r.after_title
    }
    names: dict[str, _Mentions] = {}
    for name in _datelines(paragraphs[:_DATELINE_PARAGRAPHS]):
        mentions = names.setdefault(fold(name), _Mentions(name))
        mentions.candidates = gazetteer().candidates(name)
        mentions.locative = True
        mentions.team_only = False
    previous: _Run | None = None
    previous_locative = False  # and not a team's context: "lost to Chelsea, Liverpool …"
    for run in runs:
        for part in _place_parts(run, mid_sentence, person_words):
            mentions = names.setdefault(fold(part.text), _Mentions(part.text))
            if not mentions.candidates and mentions.kind is None:
                _describe(mentions, part)
            locative = _ends_locative(part.before[-30:]) or (
                # "parts of Donetsk, Luhansk and Kherson": the list shares its preposition.
                previous_locative and _continues_list(previous, part)
            )
            mentions.locative |= locative
            team = _ends_team(part.before[-20:]) or bool(_TEAM_AFTER.match(part.after))
            mentions.team_only &= team
            previous, previous_locative = part, locative and not team
    support = _article_countries(names.values())
    words = set(re.findall(r"[a-z][a-z-]*", " ".join(paragraphs).lower()))
    sport = len(words & SPORT) >= _SPORT_WORDS
    places: dict[str, Place] = {}
    for mentions in names.values():
        place = _choose(mentions, support, sport=sport)
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


def _last_word(text: str) -> str:
    """The last word of ``text`` before a closing "the", lower-cased."""
    words = text.rsplit(None, 2)
    if len(words) > 1 and words[-1].lower() == "the":
        words.pop()
    # "(in ", "—in ": the patterns find a word after any punctuation.
    return words[-1].lower().lstrip(_OPENING_PUNCTUATION) if words else ""


def _ends_locative(before: str) -> bool:
    """``before`` ends in a place's position ("in", "the city of", "in nearby"). The
    word test first: the pattern, anchored at the end, is tried at every position
    of the text, and most names have no such word before them."""
    last = _last_word(before)
    if last not in _LOCATIVE_LAST and not last.endswith("ed"):
        return False
    return bool(_LOCATIVE.search(before))


def _ends_team(before: str) -> bool:
    """``before`` ends as a sports team's context does ("against", "beaten by")."""
    return _last_word(before) in _TEAM_LAST and bool(_TEAM_BEFORE.search(before))


def _datelines(paragraphs: Sequence[str]) -> Iterable[str]:
    for paragraph in paragraphs:
        match = _DATELINE.match(paragraph)
        if match and gazetteer().lookup(match.group("place")) is not None:
            yield match.group("place")


def _continues_list(previous: _Run | None, part: _Run) -> bool:
    """True when only a comma, "and" or "or" stands between the two names."""
    if previous is None or not 0 < part.start - previous.start <= 80:
        return False
    return bool(_LIST_GAP.search(part.before)) and (
        part.before.rstrip(" ,andor").endswith(previous.words[-1])
    )


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
    base = _region_base(run.words)
    if base is not None:
        mentions.region = True
        mentions.candidates = [e for e in gazetteer().candidates(base) if e.country]
        return
    mentions.candidates = gazetteer().candidates(run.text)


def _region_base(words: Sequence[str]) -> str | None:
    """ "Kharkiv" for "Kharkiv Oblast"; None when the run is not a name and a region word."""
    if len(words) > 1 and words[-1].lower() in _REGION_WORDS:
        return " ".join(words[:-1])
    return None


def _article_countries(all_mentions: Iterable[_Mentions]) -> Counter[str]:
    """How many of the names the article uses lie, without real doubt, in each
    country: the context that pulls ambiguous names towards the story's countries.
    A name is without doubt when it has one entry, or when its likeliest entry
    outweighs the next by ten times the population ("London", not London, Ontario)."""
    found: Counter[str] = Counter()
    for mentions in all_mentions:
        mentions.evidence = _evident_country(mentions)
        if mentions.evidence:
            found[mentions.evidence] += 1
    return found


def _evident_country(mentions: _Mentions) -> str | None:
    candidates = mentions.candidates
    if not candidates or mentions.team_only:
        return None
    if len(candidates) == 1:
        only = candidates[0]
        # "Charlton" only as another name of Charlestown, US: no evidence.
        return only.country if _named_so(mentions.name, only) else None
    nothing: Counter[str] = Counter()
    ranked = sorted(((_prior(e, mentions.name, nothing), e) for e in candidates), key=_first)
    first, entry = ranked[-1]
    if not _named_so(mentions.name, entry):
        return None
    # Close rivals in the same country leave no doubt about the country: Liverpool
    # the city and Liverpool the borough are both in England.
    rivals = {e.country for score, e in ranked if first - score < 1}
    return entry.country if rivals == {entry.country} else None


def _first(scored: tuple[float, Entry]) -> float:
    return scored[0]


def _prior(entry: Entry, name: str, support: Counter[str]) -> float:
    """How likely ``name`` means ``entry`` in this article: famous places (countries,
    capitals, big cities, by population) over homonyms, primary names over
    alternate spellings, and the story's own countries (most of all the one it is
    mostly about) over the rest of the world."""
    # Regions carry no population: a state or a UK nation weighs as a big city, any
    # other region (a county, a province) as a middling one.
    population = entry.population or (1_000_000 if entry.major else 300_000)
    score = math.log10(max(population, 1000))
    if entry.kind in ("country", "continent") or (entry.kind == "city" and entry.major):
        score += 1  # a country or a capital: the name's usual meaning
    if _named_so(name, entry):
        score += 2
    if entry.country and support[entry.country]:
        score += 1
        if support[entry.country] == max(support.values()):
            score += 1
    return score


def _named_so(name: str, entry: Entry) -> bool:
    """``name`` is what readers call ``entry``: its main name, a short form of it
    ("Newcastle"), or the main name spelt another way ("Odessa" for Odesa). Not
    one of the alternate names nobody reads that way ("White House" of Casablanca)."""
    return (
        gazetteer().is_main_name(name, entry)
        or fold(entry.name).startswith(fold(name) + " ")
        or _spelling_variant(name, entry.name)
    )


def _choose(mentions: _Mentions, support: Counter[str], *, sport: bool) -> Place | None:
    if mentions.kind is not None:
        return Place(name=mentions.name, canonical=mentions.name, kind=mentions.kind)
    if not mentions.candidates or mentions.team_only:
        return None
    if mentions.evidence:
        support = support - Counter([mentions.evidence])  # not its own evidence
    name = _region_base(mentions.name.split()) or mentions.name  # "Kharkiv" of "Kharkiv Oblast"
    entry = max(mentions.candidates, key=lambda e: _prior(e, name, support))
    main_name = gazetteer().is_main_name(name, entry)
    home = bool(support[entry.country or ""]) and support[entry.country or ""] == max(
        support.values()
    )
    # "Kiev" and "Kharkov" are spellings of Kyiv and Kharkiv; "Part" (Perth) and
    # "Twickenham" (Huntsville, Alabama) are alternate names nobody reads that way.
    variant = main_name or _spelling_variant(name, entry.name)
    if not variant and not (mentions.locative and (home or entry.population >= _BIG_CITY)):
        return None
    strong = entry.kind in ("continent", "water") or (
        not sport
        and (
            entry.kind == "country"
            or (entry.kind == "region" and (entry.major or bool(support[entry.country or ""])))
            or (entry.population >= _BIG_CITY and variant)
            or (home and entry.population >= _HOME_CITY and variant)
        )
    )
    if not strong and not mentions.locative:
        return None
    if mentions.region:
        # Found under the place's own names too: "Kharkov" finds "Kharkiv Oblast".
        names = (entry.name, *entry.alternate_names)
        return Place(mentions.name, mentions.name, "region", entry.country, alternate_names=names)
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


@lru_cache(maxsize=16384)
def _spelling_variant(name: str, main: str) -> bool:
    """Another transliteration of the same name: "Kiev"/"Kyiv", "Lugansk"/"Luhansk",
    "Zaporozhye"/"Zaporizhzhia"; not another name that shares letters
    ("Charlton" is not Charlestown): transliterations stay about as long."""
    a, b = fold(name), fold(main)
    return (
        a[:1] == b[:1]
        and abs(len(a) - len(b)) <= _VARIANT_LENGTH
        and SequenceMatcher(None, a, b).ratio() >= _VARIANT_SIMILARITY
    )


def _place_parts(run: _Run, mid_sentence: set[str], person_words: set[str]) -> list[_Run]:
    """The run as one place name, else its parts between "and"/"on", else a leading
    country used attributively ("US President George Bush")."""
    if _plausible(run, mid_sentence, person_words):
        return [run]
    if _HYPHENATED.search(run.words[0]) and len(run.words) > 1:
        rest = _Run(run.words[1:], run.start, False, False, run.before, run.after)
        if _plausible(rest, mid_sentence, person_words):
            return [rest]
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
    base = _region_base(run.words)
    entry = gazetteer().lookup(base if base is not None else run.text)
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
    return (
        1 < len(run.words) <= 3
        and all(w[0].isupper() for w in run.words)
        and not _described(run.words)
    )


def _described(words: Sequence[str]) -> bool:
    """A description before a name: "Russian-speaking Donbas", "Ukrainian Kharkiv"."""
    return len(words) > 1 and (words[0].lower() in DEMONYMS or bool(_HYPHENATED.search(words[0])))


def _runs(text: str) -> Iterable[_Run]:
    """Maximal runs of capitalised words, split at punctuation, without sentence openers."""
    for match in _RUN.finditer(text):
        first = match.start()
        before = text[max(0, first - 40) : first]
        stripped = before.rstrip()
        sentence_start = not stripped or (
            stripped[-1] in ".!?:\"“‘'—–(" and not _abbreviated(stripped)
        )
        after_title = bool(stripped) and stripped.split()[-1].lower().rstrip(".") in TITLES
        tokens = [_strip_possessive(_strip_stop(t)) for t in match.group().split()]
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


def _abbreviated(text: str) -> bool:
    """Ends with an abbreviation's full stop ("Mr.", "U.S."), not a sentence's."""
    if not text.endswith("."):
        return False
    last = text[text.rfind(" ") + 1 : -1]
    return last in _ABBREVIATED or (
        len(last) >= 1 and last[-1].isupper() and last[-2:-1] in ("", ".")
    )


def _strip_stop(word: str) -> str:
    """ "Kiev." → "Kiev", but "U.S." keeps its stops: they are part of the name."""
    bare = word.rstrip(".")
    return word if "." in bare else bare


def _strip_possessive(word: str) -> str:
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word[:-1] if word.endswith(("'", "’")) else word
