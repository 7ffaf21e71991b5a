"""Facet counts over a whole result set, with disjunctive selection.

Values selected within one facet combine with OR, facets with AND. Each
facet's counts are taken over the results filtered by every *other* facet's
selection, so the counts beside a selected value stay right when a second
value of the same facet is ticked (what the reader would get by ticking it).

Postings (value → articles) are read once per index generation and kept; a
query then costs one set of matching articles and set intersections.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from search.engine import query
from search.schema import FACETS

#: Values shown per facet, beyond those selected.
SHOWN = 10


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Postings:
    """Facet values both ways: value → documents (to filter), document → values (to count)."""

    docs: dict[str, dict[str, frozenset[int]]]  # facet → value → document numbers
    values: dict[str, dict[int, tuple[str, ...]]]  # facet → document number → values
    #: Document → the other documents of its near-duplicate group (groups of two or more).
    copies: dict[int, frozenset[int]]

    @cached_property
    def grouped(self) -> frozenset[int]:
        """Documents in a near-duplicate group of two or more."""
        return frozenset(self.copies)

    @cached_property
    def first_copy(self) -> dict[int, int]:
        """Document → the earliest indexed document of its group."""
        return {docnum: min(others | {docnum}) for docnum, others in self.copies.items()}

    @cached_property
    def by_frequency(self) -> dict[str, list[tuple[str, frozenset[int]]]]:
        """Each facet's values, most common first."""
        return {
            name: sorted(by_value.items(), key=lambda item: (-len(item[1]), item[0]))
            for name, by_value in self.docs.items()
        }


def read_postings(reader: Any) -> Postings:
    """Every facet value and the (live) documents that have it.

    Read segment by segment: through Whoosh's multi-segment reader every term costs a
    look-up in each segment, and a near-duplicate group is one term per article (BBC
    x10 with two segments: 3 s for the first query after each commit). A group term
    held by one document in a segment is read from its term info, without its postings."""
    docs: dict[str, dict[str, set[int]]] = {name: defaultdict(set) for name in FACETS}
    members: dict[str, list[int]] = defaultdict(list)
    for segment, offset in reader.leaf_readers():
        names = segment.indexed_field_names()
        for name, field in FACETS.items():
            if field not in names:
                continue
            for term in segment.lexicon(field):
                value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                found = segment.postings(field, term).all_ids()
                docs[name][value].update(offset + docnum for docnum in found)
        if "dupe_group" not in names:
            continue
        deleted = segment.has_deletions()
        for term, info in segment.iter_field("dupe_group"):
            if info.doc_frequency() == 1:
                docnum = info.min_id()
                if not (deleted and segment.is_deleted(docnum)):
                    members[term].append(offset + docnum)
            else:
                found = segment.postings("dupe_group", term).all_ids()
                members[term].extend(offset + docnum for docnum in found)
    by_value = {
        name: {value: frozenset(found) for value, found in values.items() if found}
        for name, values in docs.items()
    }
    values: dict[str, dict[int, tuple[str, ...]]] = {}
    for name, found in by_value.items():
        by_doc: dict[int, list[str]] = defaultdict(list)
        for value, documents in sorted(found.items()):
            for docnum in documents:
                by_doc[docnum].append(value)
        values[name] = {docnum: tuple(v) for docnum, v in by_doc.items()}
    copies: dict[int, frozenset[int]] = {}
    for grouped in members.values():
        if len(grouped) > 1:
            group = frozenset(grouped)
            for docnum in group:
                copies[docnum] = group - {docnum}
    return Postings(by_value, values, copies)


def hidden_copies(postings: Postings, matching: frozenset[int]) -> frozenset[int]:
    """Matching documents that are copies of another matching one (the earliest indexed
    of each group stands for it), so a story appears once, with "+N similar"."""
    grouped = matching & postings.grouped  # usually few: one pass over them, not all
    if not grouped:
        return frozenset()
    first_copy = postings.first_copy
    shown: dict[int, int] = {}
    for docnum in grouped:
        group = first_copy[docnum]
        if docnum < shown.get(group, docnum + 1):
            shown[group] = docnum
    return grouped - frozenset(shown.values())


def clean_filters(filters: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    """Known facets only, values stripped and de-duplicated, in a stable order."""
    cleaned: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v.strip() for v in (filters or {}).get(name, ()) if v and v.strip()]
        if values:
            cleaned[name] = sorted(dict.fromkeys(values))
    return cleaned


def filter_query(filters: Mapping[str, Sequence[str]]) -> Any:
    """OR within a facet, AND across facets; None when nothing is selected."""
    parts = [
        query.Or([query.Term(FACETS[name], value) for value in values])
        for name, values in filters.items()
    ]
    return query.And(parts) if parts else None


def allowed(postings: Postings, filters: Mapping[str, Sequence[str]]) -> frozenset[int]:
    """Documents that pass every facet filter (OR within a facet, AND across)."""
    passing: frozenset[int] | None = None
    for name, values in filters.items():
        docs = frozenset().union(*(postings.docs[name].get(v, frozenset()) for v in values))
        passing = docs if passing is None else passing & docs
    return passing if passing is not None else frozenset()


def count(
    postings: Postings, matched: frozenset[int] | set[int], filters: Mapping[str, Sequence[str]]
) -> dict[str, list[FacetValue]]:
    """Disjunctive counts for each facet over the matched documents."""
    chosen = {
        name: frozenset().union(*(postings.docs[name].get(v, frozenset()) for v in values))
        for name, values in filters.items()
    }
    facets: dict[str, list[FacetValue]] = {}
    for name, by_doc in postings.values.items():
        base = frozenset(matched)
        for other, docs in chosen.items():
            if other != name:
                base &= docs
        tally = _tally(base, by_doc, postings.by_frequency[name])
        selected = set(filters.get(name, ()))
        for value in selected - tally.keys():  # a selected value is shown, however rare
            if n := len(postings.docs[name].get(value, frozenset()) & base):
                tally[value] = n
        facets[name] = shown(name, tally, selected)
    return facets


def shown(name: str, tally: Mapping[str, int], selected: set[str]) -> list[FacetValue]:
    """The values a facet shows: the SHOWN most common, and every selected one (with
    its count, 0 if none); years newest first."""
    counted = [FacetValue(value, n, value in selected) for value, n in tally.items()]
    counted += [FacetValue(value, 0, True) for value in selected - tally.keys()]
    counted.sort(key=lambda v: (-v.count, v.value))
    values = counted[:SHOWN] + [v for v in counted[SHOWN:] if v.selected]
    if name == "year":
        values.sort(key=lambda v: v.value, reverse=True)
    return values


#: Result sets larger than this count their facets value by value, most common
#: first, stopping when no value left can enter the top SHOWN.
_BY_VALUE = 2000


def _tally(
    base: frozenset[int],
    by_doc: dict[int, tuple[str, ...]],
    by_frequency: list[tuple[str, frozenset[int]]],
) -> Counter[str]:
    """How many of ``base`` have each facet value: every value present, or, for a large
    set, at least every value that can be among the SHOWN most common (a value held by
    fewer documents in the whole index than the SHOWN-th count so far cannot be);
    those are the only ones shown, besides selected values, which are counted apart.
    Counting 20,000 results document by document took most of a query's time."""
    if len(base) <= _BY_VALUE:
        return Counter(value for docnum in base for value in by_doc.get(docnum, ()))
    tally: Counter[str] = Counter()
    counts: list[int] = []  # the best SHOWN counts so far, highest first
    for value, docs in by_frequency:
        if len(counts) >= SHOWN and len(docs) < counts[-1]:
            break
        n = len(docs & base) if len(docs) < len(base) else len(base & docs)
        if n:
            tally[value] = n
            if len(counts) < SHOWN or n > counts[-1]:
                counts = sorted([*counts, n], reverse=True)[:SHOWN]
    return tally
