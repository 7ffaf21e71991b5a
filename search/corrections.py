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
    {"article": "world/7.txt", "sha256": "…", "restore": "Ask the doctor: a new column"}

``restore`` puts back a line that boilerplate removal dropped (keyed by the
line's text): it returns to the body where it stood, so it is searchable, and
its quotes and places are found again.

An entry applies to the article with that id whose content still has that hash,
so it is applied again after every re-index and never to another article; when
the article has changed since, the entry is reported as stale and not applied.
A passage that is no longer found is reported too.

Entries are appended under an exclusive lock on the file (:func:`append`), so
two server processes taking suggestions at once never interleave their lines,
and a write that fails half-way (a full disk) is cut back off.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.articles import Article, Place
from search.errors import SearchError
from search.extract.places import find_places
from search.extract.quotes import find_quotes
from search.folder import CORRECTIONS as FILENAME

if sys.platform != "win32":
    import fcntl

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
    restore: str | None = None  # a line removed as boilerplate, to put back
    line: int = 0  # where it stands in the file, for messages

    def describe(self) -> str:
        if self.restore is not None:
            return f"line “{_short(self.restore)}” restored"
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
        lines = _read_whole_lines(path).splitlines()
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
        if correction.restore is not None:
            skipped.append(f"correction (line {correction.line}): restoring needs correct()")
            continue
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
                    quotes[i] = dataclasses.replace(
                        quotes[i], speaker=correction.speaker, corrected=True
                    )
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
                        corrected=True,
                    )
            else:  # a place extraction missed
                places.append(_new_place(correction))
        done.append(correction.describe())
    corrected = dataclasses.replace(
        article,
        quotes=tuple(quotes),
        locations=tuple(places),
        corrected=(*article.corrected, *done),
    )
    return corrected, skipped


def correct(
    read: Article, extractor: Callable[[Article], Article], corrections: Iterable[Correction]
) -> tuple[Article, list[str]]:
    """``read`` (as read from its file) extracted by ``extractor``, with its corrections
    applied, and a reason for each correction not applied: the indexer's and
    ``search parse``'s one path from a file and its corrections to what is indexed."""
    corrections = list(corrections)
    restores = [c for c in corrections if c.restore is not None]
    article, skipped = _restore(read, extractor(read), restores)
    article, more = apply(article, [c for c in corrections if c.restore is None])
    return article, skipped + more


def _restore(
    read: Article, extracted: Article, restores: list[Correction]
) -> tuple[Article, list[str]]:
    """Put lines removed as boilerplate back where they stood in ``read``.

    The restored body is searched for quotes and places again with the standard
    extractors (a custom extractor's boilerplate rule would drop the line again)."""
    wanted: set[str] = set()
    done: list[str] = []
    skipped: list[str] = []
    for correction in restores:
        text = correction.restore or ""
        if correction.sha256 != read.content_hash:
            skipped.append(f"stale correction (line {correction.line}): the article changed")
        elif not any(_same(r.text, text) for r in extracted.removed):
            skipped.append(f"correction (line {correction.line}): no such removed line any more")
        else:
            wanted.add(_folded(text))
            done.append(correction.describe())
    if not wanted:
        return extracted, skipped
    kept = list(extracted.paragraphs)
    paragraphs: list[str] = []
    restored: list[int] = []
    at = 0
    for paragraph in read.paragraphs:
        if at < len(kept) and paragraph == kept[at]:
            paragraphs.append(paragraph)
            at += 1
        elif _folded(paragraph) in wanted:
            restored.append(len(paragraphs))
            paragraphs.append(paragraph)
    paragraphs += kept[at:]  # an extractor that rewrote paragraphs: keep what it kept
    article = dataclasses.replace(
        extracted,
        paragraphs=tuple(paragraphs),
        removed=tuple(r for r in extracted.removed if _folded(r.text) not in wanted),
        quotes=tuple(find_quotes(paragraphs, extracted.headline)),
        locations=tuple(find_places(extracted.headline, paragraphs)),
        corrected=(*extracted.corrected, *done),
        restored=tuple(restored),
    )
    return article, skipped


def entry(article: Article, **change: Any) -> dict[str, Any]:
    """A new line for the corrections file, keyed to ``article`` as it is now."""
    data = {"article": article.id, "sha256": article.content_hash, **change}
    _parse(data, 0)  # refuse what load() would refuse
    return data


class CorrectionWriteError(SearchError):
    """The corrections file cannot be written (a read-only folder, a full disk).
    Nothing was added to it."""


#: Threads of one process take turns here; processes take turns on the file's lock.
_APPENDING = threading.Lock()


def append(folder: Path, data: dict[str, Any]) -> None:
    """Add one correction to ``folder``'s file (created if need be), as one whole line.

    Raises :class:`CorrectionWriteError` when it cannot be written; the file is
    then as it was."""
    path = folder / FILENAME
    line = (json.dumps(data, ensure_ascii=False) + "\n").encode()
    try:
        with _APPENDING, _locked_file(path) as fd:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a hand edit left the last line open
            try:
                written = 0
                while written < len(line):
                    written += os.write(fd, line[written:])
                os.fsync(fd)
            except OSError:
                _cut_back(fd, size)
                raise
    except OSError as error:
        raise _write_error(error, path) from error


def _read_whole_lines(path: Path) -> str:
    """The file's text, read under a shared lock so a line being appended is read
    whole or not at all."""
    with path.open("rb") as handle:
        if sys.platform != "win32":
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        return handle.read().decode("utf-8")


@contextmanager
def _locked_file(path: Path) -> Iterator[int]:
    """The file open for appending, held under an exclusive lock (flock: it is
    released if the process dies, so a killed worker cannot block the others)."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if sys.platform != "win32":
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def _cut_back(fd: int, size: int) -> None:
    """Leave no half line behind for load() to trip on; the write's own error is the
    one to report, so a file that cannot be cut (a device) is left as it is."""
    with suppress(OSError):
        os.ftruncate(fd, size)


def _write_error(error: OSError, path: Path) -> CorrectionWriteError:
    """A write error as a message that names the next step."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return CorrectionWriteError(
            f"No space left on the disk holding {path}: the correction was not saved. "
            "Free some space and suggest it again."
        )
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CorrectionWriteError(
            f"Cannot write {path} ({error.strerror}): the correction was not saved. Make the "
            "file and its folder writable by the server, or add the line to the file by hand."
        )
    return CorrectionWriteError(
        f"Writing {path} failed ({error.strerror or error}): the correction was not saved."
    )


def _parse(data: Any, line: int) -> Correction:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("article", "sha256"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ValueError(f"needs {key!r}")
    passages = [key for key in ("quote", "place", "restore") if data.get(key) is not None]
    if len(passages) != 1:
        raise ValueError("needs either 'quote' or 'place' (or 'restore' with a line)")
    if passages == ["restore"]:
        if not isinstance(data["restore"], str) or not data["restore"].strip():
            raise ValueError("'restore' takes the text of the line to put back")
        if any(data.get(key) for key in _ACTIONS):
            raise ValueError("'restore' takes no other change")
    elif not any(data.get(key) for key in _ACTIONS):
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
        name=name,
        canonical=correction.canonical or name,
        kind="other",
        country=correction.country,
        corrected=True,
    )


def _same(a: str, b: str) -> bool:
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= 40 else text[:39] + "…"


__all__ = [
    "FILENAME",
    "Correction",
    "CorrectionWriteError",
    "append",
    "apply",
    "correct",
    "entry",
    "load",
    "version",
]
