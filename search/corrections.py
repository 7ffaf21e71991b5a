"""Corrections a newsroom makes to what extraction got wrong, kept beside the articles.

The file is ``corrections.jsonl`` at the top of the article folder: one JSON
object per line. JSON Lines because each correction is one line: a git diff
shows exactly what was corrected, two people adding corrections merge without
conflict, appending never rewrites what is there, and Python reads and writes
it without a dependency. Each entry names the article, the passage it
corrects and what to do, and the article's SHA-256 when it was written::

    {"article": "politics/020.txt", "sha256": "…", "quote": "It will…", "speaker": "Mike Tomlinson"}
    {"article": "sport/101.txt", "sha256": "…", "quote": "download play", "drop": true}
    {"article": "sport/101.txt", "sha256": "…", "place": "Twickenham", "country": "GB"}
    {"article": "world/7.txt", "sha256": "…", "place": "Nokia", "drop": true}

An entry applies to the article with that id whose content still has that hash,
so it is applied again after every re-index and never to another article; when
the article has changed since, the entry is reported as stale and not applied.
A passage that is no longer found is reported too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.articles import Article, Place
from search.folder import CORRECTIONS as FILENAME

_ACTIONS = ("speaker", "drop", "country", "canonical")


@dataclass(frozen=True)
class Correction:
    """One line of the corrections file."""

    article: str
    sha256: str
    quote: str | None = None
    place: str | None = None
    speaker: str | None = None
    drop: bool = False
    country: str | None = None
    canonical: str | None = None
    line: int = 0  # where it stands in the file, for messages

    def describe(self) -> str:
        what = f"quote “{_short(self.quote)}”" if self.quote else f"place {self.place}"
        if self.drop:
            return f"{what} dropped"
        if self.speaker:
            return f"{what}: speaker {self.speaker}"
        return f"{what}: " + ", ".join(
            f"{key} {value}" for key in ("canonical", "country") if (value := getattr(self, key))
        )


def load(folder: Path) -> tuple[dict[str, list[Correction]], list[str]]:
    """The corrections in ``folder``'s file by article id, and the lines that could
    not be read (each with its line number and what is wrong with it)."""
    path = folder / FILENAME
    if not path.is_file():
        return {}, []
    found: dict[str, list[Correction]] = {}
    problems = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        return {}, [f"{path.name} cannot be read, so no correction was applied ({error})"]
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            correction = _parse(json.loads(text), number)
        except (ValueError, TypeError) as error:
            problems.append(f"{path.name} line {number}: {error}")
            continue
        found.setdefault(correction.article, []).append(correction)
    return found, problems


def version(content_hash: str, corrections: Iterable[Correction]) -> str:
    """What the index records as an article's version: its content hash, or with
    corrections a hash of both, so adding or changing a correction re-indexes it."""
    entries = sorted(json.dumps(dataclasses.asdict(c), sort_keys=True) for c in corrections)
    if not entries:
        return content_hash
    return hashlib.sha256("\n".join([content_hash, *entries]).encode()).hexdigest()


def apply(article: Article, corrections: Iterable[Correction]) -> tuple[Article, list[str]]:
    """``article`` with its corrections applied (listed in ``article.corrected``), and
    a reason for each correction not applied."""
    quotes, places = list(article.quotes), list(article.locations)
    done: list[str] = []
    skipped: list[str] = []
    for correction in corrections:
        if correction.sha256 != article.content_hash:
            skipped.append(f"stale correction (line {correction.line}): the article changed")
            continue
        if correction.quote is not None:
            at = [i for i, q in enumerate(quotes) if _same(q.text, correction.quote)]
            if not at:
                skipped.append(f"correction (line {correction.line}): no such quote any more")
                continue
            if correction.drop:
                quotes = [q for i, q in enumerate(quotes) if i not in at]
            else:
                for i in at:
                    quotes[i] = dataclasses.replace(quotes[i], speaker=correction.speaker)
        else:
            at = [i for i, p in enumerate(places) if _same(p.name, correction.place or "")]
            if not at and (correction.drop or not correction.canonical):
                skipped.append(f"correction (line {correction.line}): no such place any more")
                continue
            if correction.drop:
                places = [p for i, p in enumerate(places) if i not in at]
            elif at:
                for i in at:
                    places[i] = dataclasses.replace(
                        places[i],
                        canonical=correction.canonical or places[i].canonical,
                        country=correction.country or places[i].country,
                        alternate_names=(),
                        geonameid=None,
                    )
            else:  # a place extraction missed
                places.append(_new_place(correction))
        done.append(correction.describe())
    corrected = dataclasses.replace(
        article, quotes=tuple(quotes), locations=tuple(places), corrected=tuple(done)
    )
    return corrected, skipped


def entry(article: Article, **change: Any) -> dict[str, Any]:
    """A new line for the corrections file, keyed to ``article`` as it is now."""
    data = {"article": article.id, "sha256": article.content_hash, **change}
    _parse(data, 0)  # refuse what load() would refuse
    return data


def append(folder: Path, data: dict[str, Any]) -> None:
    """Add one correction to ``folder``'s file (created if need be)."""
    with (folder / FILENAME).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False) + "\n")


def _parse(data: Any, line: int) -> Correction:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("article", "sha256"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ValueError(f"needs {key!r}")
    if (data.get("quote") is None) == (data.get("place") is None):
        raise ValueError("needs either 'quote' or 'place'")
    if not any(data.get(key) for key in _ACTIONS):
        raise ValueError(f"says nothing to do: give one of {', '.join(_ACTIONS)}")
    if data.get("quote") is not None and (data.get("country") or data.get("canonical")):
        raise ValueError("a quote takes 'speaker' or 'drop'")
    known = {field.name for field in dataclasses.fields(Correction)} - {"line"}
    unknown = set(data) - known - {"by", "date", "note"}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    return Correction(**{k: v for k, v in data.items() if k in known}, line=line)


def _new_place(correction: Correction) -> Place:
    name = correction.place or ""
    return Place(
        name=name, canonical=correction.canonical or name, kind="other", country=correction.country
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _short(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= 40 else text[:39] + "…"


__all__ = ["FILENAME", "Correction", "append", "apply", "entry", "load", "version"]
