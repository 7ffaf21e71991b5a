"""Junk a reader sees at once in the Speakers and Places facets, counted at scale,
and the cost of extraction as articles grow.

The audit's word lists are the bench's own, general English (conjunctions,
adverbs, time words, weekdays, nationalities, job titles); the extractor does
not import them, so the audit does not grade the rules with their own lists.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from search.articles import Article
from search.extract import extract
from search.extract.gazetteer import gazetteer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_OPENERS = _words(
    """
    and but or so yet nor now then when while still also however meanwhile yesterday today
    tonight tomorrow later earlier last next as if because although though after before since
    once here there even only just already instead indeed perhaps again thus meanwhile said
    says asked told added according
    """
)
_CALENDAR = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december
    """
)
_NATIONALITIES = _words(
    """
    afghan african american argentine argentinian asian australian austrian belarusian belgian
    brazilian british bulgarian canadian chinese croatian czech danish dutch egyptian english
    european finnish french georgian german greek hungarian indian iranian iraqi irish israeli
    italian japanese kenyan korean mexican nigerian norwegian pakistani palestinian polish
    portuguese romanian russian saudi scottish serbian spanish swedish swiss syrian turkish
    ukrainian welsh californian texan londoner moldovan lithuanian latvian estonian kazakh
    """
)
_JOB_TITLES = _words(
    """
    mr mrs ms miss dr sir lord lady dame prof professor president minister secretary senator sen
    rep gov governor general gen judge justice king queen prince princess chancellor boss coach
    manager chief director chairman chairwoman spokesman spokeswoman spokesperson leader captain
    striker midfielder defender goalkeeper analyst economist mayor ambassador commander colonel
    lieutenant sergeant officer detective inspector deputy premier vice acting former ex star
    singer actor actress presenter founder executive head rev father bishop archbishop pope
    sheikh emir
    """
)


def speaker_junk(speaker: str) -> str | None:
    """The kind of junk a speaker value is, or None when it looks like a name."""
    words = speaker.replace(".", " ").split()
    if not words:
        return None
    first = words[0].casefold()
    if len(words) == 1 and (
        first in _NATIONALITIES
        or first in _CALENDAR
        or (gazetteer().lookup(speaker) or _NOTHING).kind == "country"
    ):
        return "bare nationality/country/weekday"
    if first in _OPENERS or first in _CALENDAR:
        return "opens with conjunction/adverb/time word"
    titled = first in _JOB_TITLES or first in _NATIONALITIES
    if titled and len(words) >= 2 and words[0][0].isupper() and words[1][0].isupper():
        return "title or nationality before a name"
    return None


class _Nothing:
    kind = ""


_NOTHING = _Nothing()


def place_junk(article: Article) -> list[str]:
    """Places resolved outside the story's country though a same-named place is in it."""
    countries = Counter(p.country for p in article.locations if p.country)
    ranked = countries.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return []
    story = ranked[0][0]
    junk = []
    for place in article.locations:
        if place.kind in ("country", "continent") or not place.country or place.country == story:
            continue
        if any(e.country == story for e in gazetteer().candidates(place.name)):
            famous = any(
                (e.major or e.population >= 500_000)
                and (
                    e.geonameid == place.geonameid
                    if place.geonameid
                    else (e.name, e.country) == (place.canonical, place.country)
                )
                for e in gazetteer().candidates(place.name)
            )
            junk.append(f"{place.name} ({place.country}, story {story})" + ("" if famous else " *"))
    return junk


def audit(articles: Iterable[tuple[Path, Article]]) -> tuple[Counter[str], dict[str, list[str]]]:
    """Counts of distinct junk values by kind over the articles, with examples."""
    seen: dict[str, set[str]] = {}
    examples: dict[str, list[str]] = {}
    for path, article in articles:
        for speaker in article.speakers:
            kind = speaker_junk(speaker)
            if kind is not None:
                seen.setdefault(kind, set()).add(speaker)
                examples.setdefault(kind, []).append(f"{path.name}: {speaker!r}")
        for line in place_junk(article):
            seen.setdefault("place outside the story's country", set()).add(line.split(" (")[0])
            if line.endswith("*"):
                seen.setdefault("obscure place outside", set()).add(line.split(" (")[0])
            examples.setdefault("place outside the story's country", []).append(
                f"{path.name}: {line}"
            )
    return Counter({kind: len(values) for kind, values in seen.items()}), examples


AUDIT_KINDS = (
    "opens with conjunction/adverb/time word",
    "bare nationality/country/weekday",
    "title or nationality before a name",
    "place outside the story's country",
)


def generated_article(quotes: int) -> Article:
    """An article of ``quotes`` short attributed quotes, a few per paragraph, with
    names and places, as a scraped live blog or a quote dump would be."""
    paragraphs = []
    for index in range(0, quotes, 4):
        paragraphs.append(
            " ".join(
                f'"We will hold the line in sector {n}," said Olena Kovalenko{n % 7} in Kharkiv.'
                for n in range(index, min(index + 4, quotes))
            )
        )
    return Article(
        id="generated",
        path="generated",
        headline="Live",
        paragraphs=tuple(paragraphs),
        content_hash="",
    )


def one_paragraph_article(quotes: int) -> Article:
    """The same quotes in one paragraph: the shape of a file without blank lines."""
    base = generated_article(quotes)
    return Article(
        id="generated",
        path="generated",
        headline="Live",
        paragraphs=(" ".join(base.paragraphs),),
        content_hash="",
    )


def linearity(n: int = 2500) -> list[tuple[str, float, float]]:
    """Seconds to extract n and 4n quotes, for both shapes."""
    extract(generated_article(8))  # the gazetteer is built outside the timing
    rows = []
    for name, make in (("paragraphs", generated_article), ("one paragraph", one_paragraph_article)):
        times = []
        for size in (n, 4 * n):
            article = make(size)
            started = time.perf_counter()
            extract(article)
            times.append(time.perf_counter() - started)
        rows.append((name, times[0], times[1]))
    return rows
