"""Scorers for each labelled data set of ``bench/extraction.py``.

Every labelled set is split by a hash of the document's id into a dev part
(about two thirds) and a held-out part (the rest). Errors are only ever
collected on the dev part: the held-out figures say how the rules do on
articles nobody looked at while writing them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import BBC, SHARED, require
from search.articles import Article, read_article
from search.extract import extract
from search.extract.places import find_places

DEV, HELD_OUT = "dev", "held-out"
PARTS = (DEV, HELD_OUT)


def part_of(doc_id: str) -> str:
    """The deterministic part a document belongs to: a third of them are held out."""
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return HELD_OUT if digest[0] % 3 == 0 else DEV


@dataclass
class Counts:
    """Tallies of one part of one data set."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    right: int = 0
    judged: int = 0
    extra: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp, self.fp, self.fn)

    def accuracy(self) -> float:
        return self.right / self.judged if self.judged else 0.0


@dataclass
class Errors:
    """Dev-part errors by kind, for ``--errors``."""

    by_kind: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, part: str, kind: str, line: str) -> None:
        if part == DEV:
            self.by_kind[kind].append(line)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def fold_ws(text: str) -> str:
    return " ".join(text.split())


def fold_quote(text: str) -> str:
    text = re.sub(r"[“”„‟]", '"', text)
    text = re.sub(r"[‘’‚‛]", "'", text)
    return fold_ws(text).strip()


def surname(name: str) -> str:
    """The last word of a name, folded: how speakers are compared."""
    words = re.sub(r"['’]s?\b", "", name).replace(".", " ").split()
    return words[-1].casefold() if words else ""


def gold_surnames(source: str) -> set[str]:
    """The surnames a PolNeAR source span may name.

    Its spans carry appositions, relative clauses and descriptions ("Linda Hudson,
    the mayor of Fort Pierce", "the Rev. Peter Wherry, of Mayfield …", "Sanders's
    campaign manager, Jeff Weaver,"): the name is the first comma-separated part
    that ends in a capitalised word once a relative clause or bracket is cut off.
    "of" is read both ways, since only knowing the names tells "Gov. Terry E.
    Branstad of Iowa" from "Former Secretary of State Madeleine Albright".
    """
    parts = [p.strip() for p in source.replace("\xa0", " ").split(",") if p.strip()]
    for part in parts:
        head = re.split(r"\(| who | which | whose ", part)[0].strip()
        readings = {head, re.split(r" of | from ", head)[0]}
        found = {surname(r) for r in readings if surname(r)[:1].isalpha()}
        named = {
            surname(r)
            for r in readings
            if (words := re.sub(r"['’]s?\b", "", r).replace(".", " ").split())
            and words[-1][:1].isupper()
        }
        if named:
            return named
        if not parts[1:] and found:
            return found
    return {surname(source)}


def same_speaker(found: str | None, gold: str | None) -> bool:
    """Equal, or ending with the same surname (the bench's rule since the start)."""
    if gold is None:
        return found is None
    if found is None:
        return False
    found_fold, gold_fold = found.casefold().strip(), gold.casefold().strip()
    return found_fold == gold_fold or found_fold.split()[-1] == gold_fold.split()[-1]


# --- BBC, hand-labelled -------------------------------------------------------------------------


def news(errors: Errors) -> dict[str, dict[str, Counts]]:
    """Quotes, speakers, places and countries on ../shared/eval/news/dev.jsonl."""
    gold_path = require(SHARED / "eval" / "news" / "dev.jsonl", "the labelled news set")
    counts = {kind: {p: Counts() for p in PARTS} for kind in ("quotes", "places")}
    for line in gold_path.read_text().splitlines():
        gold = json.loads(line)
        part = part_of(gold["file"])
        article = extract(read_article(BBC / gold["file"]))
        _score_news_quotes(gold, article, counts["quotes"][part], errors, part)
        _score_news_places(gold, article, counts["places"][part], errors, part)
    return counts


def _score_news_quotes(
    gold: dict, article: Article, counts: Counts, errors: Errors, part: str
) -> None:
    found = {fold_quote(q.text): q for q in article.quotes}
    wanted = {fold_quote(q["text"]): q for q in gold["quotes"]}
    for text, quote in wanted.items():
        if text not in found:
            counts.fn += 1
            errors.add(part, "bbc quote missed", f"{gold['file']}: {text[:90]!r}")
            continue
        counts.tp += 1
        counts.judged += 1
        if same_speaker(found[text].speaker or found[text].role, quote["speaker"]):
            counts.right += 1
        else:
            errors.add(
                part,
                "bbc wrong speaker",
                f"{gold['file']}: {found[text].speaker!r} for {quote['speaker']!r} "
                f"({quote.get('speaker_mention', '')!r}): {text[:50]!r}",
            )
    for text in found.keys() - wanted.keys():
        counts.fp += 1
        errors.add(part, "bbc quote extra", f"{gold['file']}: {text[:90]!r}")


def _score_news_places(
    gold: dict, article: Article, counts: Counts, errors: Errors, part: str
) -> None:
    places = {p.name.casefold(): p for p in article.locations}
    gold_places = {p["name"].casefold(): p for p in gold["places"]}
    for name, place in gold_places.items():
        if name not in places:
            counts.fn += 1
            line = f"{gold['file']}: {place['name']} ({place['type']})"
            errors.add(part, "bbc place missed", line)
            continue
        counts.tp += 1
        if place.get("country"):
            counts.extra["country judged"] += 1
            if places[name].country == place["country"]:
                counts.extra["country right"] += 1
            else:
                errors.add(
                    part,
                    "bbc wrong country",
                    f"{gold['file']}: {name} {places[name].country} for {place['country']}",
                )
    for name in places.keys() - gold_places.keys():
        counts.fp += 1
        p = places[name]
        errors.add(part, "bbc place extra", f"{gold['file']}: {p.name} ({p.kind}, {p.country})")


# --- PolNeAR, US campaign news --------------------------------------------------------------------


def polnear(errors: Errors) -> dict[str, Counts]:
    """Direct quotes and named speakers on ../shared/eval/quotes/polnear.

    Recall counts the annotated quotes (content opening with a quotation mark)
    that a found quote starts at; a found quote is a false positive only when it
    lies outside every annotated attribution content (PolNeAR's README: a
    quotation inside a paraphrase is still a real quote). A speaker is judged on
    quotes whose annotated source is a name, by surname.
    """
    folder = require(SHARED / "eval" / "quotes" / "polnear", "the PolNeAR quote set")
    counts = {p: Counts() for p in PARTS}
    for line in (folder / "quotes.jsonl").read_text().splitlines():
        gold = json.loads(line)
        part = part_of(gold["file"])
        path = folder / gold["file"]
        raw = path.read_text(encoding="utf-8")
        article = extract(read_article(path))
        starts = _file_offsets(raw, article)
        contents = [tuple(c) for c in gold.get("contents", ())]
        c = counts[part]
        by_start = dict(zip(starts, article.quotes, strict=True))
        for start, quote in by_start.items():
            if start < 0 or not any(a <= start < b for a, b in contents):
                c.fp += 1
                errors.add(part, "polnear quote extra", f"{gold['file']}: {quote.text[:80]!r}")
        for wanted in gold["quotes"]:
            match = next(
                (q for s, q in by_start.items() if wanted["start"] <= s <= wanted["start"] + 3),
                None,
            )
            if match is None:
                c.fn += 1
                errors.add(
                    part, "polnear quote missed", f"{gold['file']}: {wanted['content'][:80]!r}"
                )
                continue
            c.tp += 1
            if wanted["speaker_kind"] != "name":
                continue
            c.judged += 1
            # The attribution as shown: the speaker, or the role of an unnamed source
            # (PolNeAR marks "an Intel spokeswoman" as a name).
            said = match.speaker or match.role
            if said and surname(said) in gold_surnames(wanted["speaker"]):
                c.right += 1
            else:
                context = raw[max(0, wanted["speaker_start"] - 40) : wanted["speaker_end"] + 30]
                errors.add(
                    part,
                    "polnear wrong speaker",
                    f"{gold['file']}: {match.speaker!r} for {wanted['speaker']!r} "
                    f"[{fold_ws(context)}]",
                )
    return counts


def _file_offsets(raw: str, article: Article) -> list[int]:
    """Where each found quote's text starts in the file (-1 when it cannot be placed)."""
    offsets, cursor = [], 0
    for quote in article.quotes:
        at = raw.find(quote.text, cursor)
        if at < 0:
            at = raw.find(quote.text)
        offsets.append(at)
        if at >= 0:
            cursor = at + 1
    return offsets


# --- CoNLL-2003, Reuters --------------------------------------------------------------------------

_SPORT_HEADLINE = re.compile(
    r"^(?:SOCCER|CRICKET|BASEBALL|TENNIS|GOLF|CYCLING|ATHLETICS|RUGBY|BASKETBALL|RALLYING|MOTOR|"
    r"SQUASH|BOXING|HORSE|BADMINTON|MOTORCYCLING|MOTOCROSS|SWIMMING|ICE HOCKEY|ROWING|HOCKEY|"
    r"NFL|NHL|NBA|SKIING|SAILING|YACHTING|JUDO|WRESTLING|TRIATHLON|SPEEDWAY)\w*\b[^-]*-"
)


def detokenise(sentence: str) -> str:
    """CoNLL's tokens back to running text: "England 's one-day" → "England's one-day"."""
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m|')(?=\s|$)", r"\1", sentence)
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    return re.sub(r"([(\[$]) ", r"\1", text)


def conll(errors: Errors) -> dict[str, dict[str, Counts]]:
    """Places per document on ../shared/eval/places/conll2003, sport reports apart."""
    folder = require(SHARED / "eval" / "places" / "conll2003", "the CoNLL-2003 place set")
    counts = {kind: {p: Counts() for p in PARTS} for kind in ("news", "sport")}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            doc = json.loads(line)
            part = part_of(doc["doc"])
            sentences = [detokenise(s) for s in doc["sentences"]]
            kind = "sport" if _SPORT_HEADLINE.match(sentences[0]) else "news"
            found = {p.name.casefold(): p for p in find_places(sentences[0], sentences[1:])}
            wanted = {detokenise(name).casefold() for name in doc["locations"]}
            c = counts[kind][part]
            for name in wanted:
                if name in found:
                    c.tp += 1
                else:
                    c.fn += 1
                    errors.add(part, f"conll {kind} place missed", f"{doc['doc']}: {name}")
            for name in found.keys() - wanted:
                c.fp += 1
                p = found[name]
                errors.add(
                    part, f"conll {kind} place extra", f"{doc['doc']}: {p.name} ({p.country})"
                )
    return counts


# --- Ukraine war reporting --------------------------------------------------------------------

UKRAINE = SHARED / "corpora" / "ukraine-war"
# Ukrainian cities and regions in their common English spellings (the bench's own
# reference list; the extractor does not read it).
UKRAINIAN_PLACES = {
    "Kyiv": ("Kyiv", "Kiev"),
    "Kharkiv": ("Kharkiv", "Kharkov"),
    "Odesa": ("Odesa", "Odessa"),
    "Donbas": ("Donbas", "Donbass"),
    "Zaporizhzhia": ("Zaporizhzhia", "Zaporozhye", "Zaporizhia", "Zaporizhzhya"),
    "Luhansk": ("Luhansk", "Lugansk"),
    "Donetsk": ("Donetsk",),
    "Kherson": ("Kherson",),
    "Mariupol": ("Mariupol",),
    "Lviv": ("Lviv", "Lvov"),
    "Dnipro": ("Dnipro", "Dnepr", "Dnipropetrovsk"),
    "Mykolaiv": ("Mykolaiv", "Nikolaev", "Mykolayiv"),
    "Bakhmut": ("Bakhmut", "Artemivsk"),
    "Chernihiv": ("Chernihiv", "Chernigov"),
    "Sumy": ("Sumy",),
    "Kramatorsk": ("Kramatorsk",),
    "Melitopol": ("Melitopol",),
    "Bucha": ("Bucha",),
    "Irpin": ("Irpin",),
    "Izium": ("Izium", "Izyum"),
    "Severodonetsk": ("Severodonetsk", "Sievierodonetsk"),
    "Zhytomyr": ("Zhytomyr",),
    "Poltava": ("Poltava",),
    "Vinnytsia": ("Vinnytsia",),
}
COMPASS = {
    "north",
    "south",
    "east",
    "west",
    "the west",
    "the east",
    "the north",
    "the south",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
}


def ukraine_files() -> list[Path]:
    folder = require(UKRAINE, "the Ukraine war set")
    return sorted(p for p in folder.glob("*.txt") if not p.name.lower().startswith("readme"))


def ukraine(articles: Iterable[tuple[Path, Article]], errors: Errors) -> dict[str, Counts]:
    """Compass words as places, and Ukrainian places found with country UA.

    ``judged`` counts articles naming a place of the list, ``right`` those where
    every such place is found with country UA; ``tp``/``fn`` count the
    (article, place) pairs.
    """
    counts = {p: Counts() for p in PARTS}
    # A name inside a longer capitalised name ("Kyiv Post", "Stanica Lugansk") does
    # not name the place; "Kharkiv Oblast" does.
    patterns = {
        key: re.compile(
            r"(?<![A-Z][\w’'-] )\b(?:"
            + "|".join(map(re.escape, names))
            + r")\b(?! (?!Oblast|Region|Province)[A-Z])"
        )
        for key, names in UKRAINIAN_PLACES.items()
    }
    for path, article in articles:
        part = part_of(path.name)
        c = counts[part]
        c.extra["articles"] += 1
        text = "\n".join((article.headline, *article.paragraphs))
        compass = [p.name for p in article.locations if p.name.casefold() in COMPASS]
        if compass:
            c.extra["compass articles"] += 1
            errors.add(part, "ukraine compass place", f"{path.name}: {compass}")
        named = {key: m.group() for key, p in patterns.items() if (m := p.search(text))}
        if not named:
            continue
        found_ua = {
            _fold(n)
            for p in article.locations
            if p.country == "UA"
            for n in (p.name, p.canonical, *p.alternate_names)
        }
        c.judged += 1
        missing = [
            written
            for key, written in named.items()
            if not {_fold(n) for n in UKRAINIAN_PLACES[key]} & found_ua
        ]
        c.tp += len(named) - len(missing)
        c.fn += len(missing)
        if missing:
            errors.add(part, "ukraine place not found as UA", f"{path.name}: {missing}")
        else:
            c.right += 1
    return counts


def _fold(name: str) -> str:
    return name.casefold()


def read_all(paths: Iterable[Path]) -> Iterator[tuple[Path, Article]]:
    for path in paths:
        yield path, extract(read_article(path))


__all__ = [
    "BBC",
    "DEV",
    "HELD_OUT",
    "PARTS",
    "Counts",
    "Errors",
    "conll",
    "news",
    "part_of",
    "polnear",
    "read_all",
    "ukraine",
    "ukraine_files",
]
