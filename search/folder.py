"""Which files of an article folder are articles, and how each is named.

A search service pointed at a folder must never read outside it. Every entry is
looked at without following links first: a link whose target leaves the folder
(a file or a folder, ``ln -s /etc/passwd``) is refused; a link to a file inside
is read at its target; links to folders are not followed (a link to an ancestor
would loop). Everything passed over is listed with its reason (hidden entries,
FIFOs and devices, broken or looping links, unreadable folders), so a run's
report accounts for the whole folder.

An article's id is its path relative to the folder (``politics/001.txt``). A
file name that is not UTF-8 (``caf\\xe9.txt`` from an old Latin-1 system) gets
an id with the odd bytes written as ``\\xe9``, so it is indexed like any other
file: the index and the web pages need text, and Python keeps such names as
lone surrogates that cannot be encoded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

#: Files in an article folder that describe the folder rather than hold an article.
_NOT_ARTICLES = ("readme", "license", "licence", "copying", "changelog")
#: The newsroom's corrections to extraction, at the top of the folder (search.corrections).
CORRECTIONS = "corrections.jsonl"


@dataclass(frozen=True)
class FileProblem:
    """A file that was passed over, could not be indexed, or was indexed with a caveat."""

    path: str
    reason: str


@dataclass(frozen=True)
class ArticleFile:
    """A file to index: where to read it (inside the folder) and the id it is indexed under."""

    path: Path
    id: str


def printable(path: str | os.PathLike[str]) -> str:
    """A path as text that can be printed, stored and sent as UTF-8: bytes of a
    name that is not UTF-8 are written as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def discover(folder: Path) -> tuple[list[ArticleFile], list[FileProblem], list[FileProblem]]:
    """The article files below ``folder`` in a stable order, the entries passed over,
    and warnings about files indexed under a changed name."""
    root = folder.resolve()
    files: list[ArticleFile] = []
    passed: list[FileProblem] = []
    warnings: list[FileProblem] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: os.fsencode(e.name))
        except OSError as error:
            passed.append(FileProblem(printable(directory), _cannot_read(error, "folder")))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            reason, target = _examine(entry, path, root)
            if reason is not None:
                passed.append(FileProblem(printable(path), reason))
            elif target is None:
                subfolders.append(path)
            else:
                relative = path.relative_to(root).as_posix()
                article_id = printable(relative)
                if article_id != relative:
                    warnings.append(
                        FileProblem(printable(path), f"name is not UTF-8: indexed as {article_id}")
                    )
                files.append(ArticleFile(target, article_id))
        pending.extend(reversed(subfolders))  # depth first, in name order
    return files, passed, warnings


def _examine(entry: os.DirEntry[str], path: Path, root: Path) -> tuple[str | None, Path | None]:
    """(why the entry is passed over, None) or (None, the file to read); (None, None)
    for a folder to walk into."""
    if entry.name.startswith("."):
        return "hidden", None
    target = path
    try:
        if entry.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return "broken link: its target does not exist", None
            except (RuntimeError, OSError):  # RuntimeError: a loop, before Python 3.13
                return "link that loops or cannot be followed", None
            if not target.is_relative_to(root):
                return f"link to {printable(target)}, outside the folder: refused", None
            if target.is_dir():
                return "link to a folder: not followed (its files are indexed where they are)", None
        mode = target.stat().st_mode if target is not path else entry.stat().st_mode
    except OSError as error:
        return _cannot_read(error, "entry"), None
    if stat.S_ISDIR(mode):
        return None, None
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device)", None
    if entry.name.lower().startswith(_NOT_ARTICLES):
        return "describes the folder, not an article", None
    if entry.name == CORRECTIONS and path.parent == root:
        return "holds corrections to extraction, not an article", None
    return None, target


def _cannot_read(error: OSError, what: str) -> str:
    return f"{what} cannot be read ({error.strerror or error})"
