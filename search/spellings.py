"""Place spellings: one term per place in the index, every spelling mapped to it.

A place has many spellings (Kyiv, Kiev, Kiew; GeoNames lists 70 for London),
and a search for any of them should find every article that names the place.
Writing every spelling into every article that names it made the ``locations``
field 78,000 postings for the BBC corpus, an eighth of the index. Instead an
article's ``locations`` field holds one id term per resolved place
(``geo703448``) and the index keeps one map, beside it, from each spelling
(analysed as the field analyses names) to the ids of the places it can mean;
queries are expanded through it. The map only grows: a spelling of a place no
longer in the index expands to a term that matches nothing, so a stale entry
costs nothing and the map never has to be in step with a commit.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from search.articles import Place
from search.engine import query
from search.schema import name_analyzer

FILENAME = "spellings.json"
FIELD = "locations"

Spellings = Mapping[str, Iterable[str]]


def place_term(place: Place) -> str | None:
    """The place's one term in the ``locations`` field: its GeoNames id, or for a place
    known by its names only (a region named after its city, "Kharkiv Oblast") its
    canonical name's words; None for a place without other names (indexed as written)."""
    if place.geonameid is not None:
        return f"geo{place.geonameid}"
    if place.alternate_names:
        words = [token.text for token in name_analyzer()(place.canonical)]
        return "geo_" + "_".join(words) if words else None
    return None


def location_text(places: Iterable[Place]) -> str:
    """The ``locations`` field of an article: an id per resolved place, names otherwise."""
    names: list[str] = []
    for place in places:
        term = place_term(place)
        names += [term] if term else [place.name, place.canonical]
    return "\n".join(dict.fromkeys(names))


def keys_of(places: Iterable[Place]) -> list[tuple[str, tuple[str, ...]]]:
    """(id term, the place's spellings as map keys) for each resolved place."""
    found = []
    for place in places:
        term = place_term(place)
        if term is not None:
            found.append((term, _keys(place.name, place.canonical, place.alternate_names)))
    return found


@lru_cache(maxsize=8192)
def _keys(name: str, canonical: str, alternates: tuple[str, ...]) -> tuple[str, ...]:
    keys = (
        " ".join(t.text for t in name_analyzer()(spelling))
        for spelling in (name, canonical, *alternates)
    )
    return tuple(dict.fromkeys(key for key in keys if key))


class SpellingMap:
    """The map as the indexer grows it during a run, and writes it before committing."""

    def __init__(self, index_dir: Path, *, fresh: bool = False) -> None:
        self.path = index_dir / FILENAME
        self.map: dict[str, set[str]] = {}
        if not fresh:
            self.map = {key: set(ids) for key, ids in load(index_dir).items()}
        self._done: set[str] = set()  # places whose spellings were all added this run
        self.changed = fresh

    def add(self, found: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        for term, keys in found:
            # Every article naming a place carries its whole list; add it once.
            for key in keys[:1] if term in self._done else keys:
                ids = self.map.setdefault(key, set())
                if term not in ids:
                    ids.add(term)
                    self.changed = True
            self._done.add(term)

    def save(self) -> None:
        """Write the map atomically (a reader sees the old map or the new, whole)."""
        if not self.changed:
            return
        temporary = self.path.with_suffix(".tmp")
        data = {key: sorted(ids) for key, ids in sorted(self.map.items())}
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        os.replace(temporary, self.path)
        self.changed = False


def load(index_dir: Path) -> dict[str, list[str]]:
    """The index's spelling map; empty when it has none or it cannot be read (queries
    then find a place by the spellings its articles use)."""
    try:
        data = json.loads((index_dir / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [str(i) for i in v] for k, v in data.items() if isinstance(v, list)}


class Reader:
    """The map for searching, read again when the file changes; safe across threads."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / FILENAME
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._map = Map({})

    def current(self) -> Map:
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            seen = None
        with self._lock:
            if seen != self._seen:
                self._map = Map(load(self.path.parent) if seen else {})
                self._seen = seen
            return self._map


def expand(q: Any, spellings: Mapping[str, list[str]]) -> Any:
    """The query with each spelling of a place in the ``locations`` field also matching
    the place's id term: "kiev" finds articles that write Kyiv. A word is an
    alternative within its own group of fields (so the query's shape, an AND of
    words each searched in several fields, is kept); a name of several words
    ("krivoy rog"), whether typed as a phrase or as words side by side, adds the id
    as an alternative to those words together."""
    if not spellings:
        return q

    def ids(key: str) -> list[Any]:
        return [query.Term(FIELD, term) for term in spellings.get(key, ())]

    def visit(node: Any) -> Any:
        if type(node) is query.Prefix and node.fieldname == FIELD:
            found = [query.Term(FIELD, t) for t in _prefixed(spellings, str(node.text))]
            return query.Or([node, *found]) if found else node
        if isinstance(node, query.Term) and node.fieldname == FIELD:
            found = ids(str(node.text))
            return query.Or([node, *found]) if found else node
        if isinstance(node, query.Phrase) and node.fieldname == FIELD:
            found = ids(" ".join(map(str, node.words)))
            return query.Or([node, *found]) if found else node
        if isinstance(node, query.Or) and all(type(s) is query.Term for s in node.subqueries):
            found = [t for s in node.subqueries if s.fieldname == FIELD for t in ids(str(s.text))]
            return query.Or([*node.subqueries, *found]) if found else node
        if isinstance(node, query.And | query.Or) and not node.is_leaf():
            children = [visit(child) for child in node.subqueries]
            return _joined_names(type(node), children, node, spellings)
        return node

    return visit(q)


#: A prefix ("kyi*") finds the places of at most this many spellings.
MAX_PREFIXED = 64


def _prefixed(spellings: Mapping[str, list[str]], prefix: str) -> list[str]:
    """The ids of the places with a spelling that starts with ``prefix``."""
    keys = getattr(spellings, "sorted_keys", None) or sorted(spellings)
    start = bisect.bisect_left(keys, prefix)
    found: dict[str, None] = {}
    for key in keys[start : start + MAX_PREFIXED]:
        if not key.startswith(prefix):
            break
        found.update(dict.fromkeys(spellings[key]))
    return list(found)


class Map(dict[str, list[str]]):
    """The spelling map with its keys in order, for prefixes."""

    def __init__(self, data: Mapping[str, list[str]]) -> None:
        super().__init__(data)
        self.sorted_keys = sorted(self)


def _word(node: Any) -> str | None:
    """The name word a query part searches in ``locations`` (a word searched in several
    fields is an Or of terms), or None."""
    if isinstance(node, query.Term):
        return str(node.text) if node.fieldname == FIELD else None
    if isinstance(node, query.Or):
        for sub in node.subqueries:
            if isinstance(sub, query.Term) and sub.fieldname == FIELD:
                return str(sub.text)
    return None


def _joined_names(kind: type, children: list[Any], node: Any, spellings: Spellings) -> Any:
    """Children of an AND or OR, with runs of words that spell a place of several
    words given the place's id as an alternative."""
    words = [_word(child) for child in children]
    out: list[Any] = []
    i = 0
    while i < len(children):
        match = None
        for j in range(min(len(children), i + 4), i + 1, -1):  # longest name first
            run = words[i:j]
            if all(run) and " ".join(run) in spellings:  # type: ignore[arg-type]
                match = j
                break
        if match is None:
            out.append(children[i])
            i += 1
            continue
        terms = [query.Term(FIELD, t) for t in spellings[" ".join(words[i:match])]]  # type: ignore[arg-type]
        together = children[i:match]
        if kind is query.And:
            out.append(query.Or([query.And(together), *terms]))
        else:
            out += [*together, *terms]
        i = match
    unchanged = len(out) == len(node.subqueries) and all(
        a is b for a, b in zip(out, node.subqueries, strict=True)
    )
    return node if unchanged else kind(out, boost=node.boost)
