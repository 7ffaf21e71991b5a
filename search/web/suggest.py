""" "Suggest a correction" on the article page: the one place the web app writes.

The app is read-only unless it is given the article folder the index was built
from (``serve --corrections SEEDS_DIR``); only then does the article page offer
the form, and only then is a suggestion written, to that folder's
``corrections.jsonl`` (:mod:`search.corrections`), after which the article is
re-indexed so the page, the facets and every server process show it.

A suggestion goes through two POSTs: the first shows what would change and asks
to confirm, the second writes. Both are refused unless the browser says the form
came from this site (``Origin``, or ``Referer``, naming the ``Host`` it was sent
to; ``Sec-Fetch-Site`` where sent): another site cannot make a visitor's
browser write here. Everything in a suggestion is checked against the article
as indexed: the quote, place or removed line must be one of its own, the article
(its file, and the corrections applied to it) must not have changed since the
page was opened, and the file in the folder must still be the one indexed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import bottle

from search import corrections
from search.articles import Article, content_hash
from search.errors import ArticleError, ArticleNotFoundError
from search.indexer import build_index
from search.searcher import Index
from search.textfiles import DEFAULT_MAX_BYTES, read_bytes

__all__ = ["MAX_NAME_CHARS", "Suggestion", "add_routes", "same_origin", "version"]

#: A speaker or a place is a name, maybe with a role ("Anna Berg, the harbour master").
MAX_NAME_CHARS = 100
#: How long a suggestion waits for another indexer (a `search index` run) before
#: saying the correction is saved but not yet shown.
REINDEX_WAIT = 10.0
_TARGET = re.compile(r"(quote|place|removed):(\d{1,5})")
_KINDS = {
    "speaker": ("quote",),
    "resolve": ("place",),
    "drop": ("quote", "place"),
    "restore": ("removed",),
}
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Suggestion:
    """One correction a reader asked for, checked against the article it is for."""

    kind: str  # speaker, resolve, drop, restore
    target: str  # quote:N, place:N, removed:N
    passage: str  # the quote's words, the place's name, the removed line
    before: str  # what the article says now
    speaker: str = ""
    canonical: str = ""  # a place's name as resolved
    country: str = ""  # ISO 3166 alpha-2

    def change(self) -> dict[str, Any]:
        """The correction's keys, for :func:`search.corrections.entry`."""
        if self.kind == "restore":
            return {"restore": self.passage}
        which = "quote" if self.target.startswith("quote") else "place"
        if self.kind == "drop":
            return {which: self.passage, "drop": True}
        if self.kind == "resolve":
            given = {"canonical": self.canonical, "country": self.country}
            return {which: self.passage, **{k: v for k, v in given.items() if v}}
        return {which: self.passage, "speaker": self.speaker}

    def describe(self) -> str:
        """The change in words, for the confirmation page."""
        if self.kind == "speaker":
            return f"Change the speaker of “{self.passage}” from {self.before} to {self.speaker}."
        if self.kind == "resolve":
            to = ", ".join(filter(None, (self.canonical, self.country)))
            return f"Resolve the place “{self.passage}” to {to} (now {self.before})."
        if self.kind == "restore":
            return f"Put this line, removed as boilerplate ({self.before}), back in the article."
        what = "quote" if self.target.startswith("quote") else "place"
        return f"Remove the {what} “{self.passage}”: it is not one."


def version(article: Article) -> str:
    """What a form names the article by: its file's hash and the corrections applied.

    A form for an older version is refused, so a suggestion (or a confirmation
    sent twice) never lands on a passage that moved: once a quote is dropped,
    "quote:1" is another quote."""
    state = "\n".join([article.content_hash, *article.corrected])
    return hashlib.sha256(state.encode()).hexdigest()


def same_origin(request: bottle.BaseRequest) -> bool:
    """Did the browser send this from a page of this site? Browsers send ``Origin``
    with every POST (``Referer`` as a fallback, kept same-origin by our
    Referrer-Policy); neither can be set by another site's page. A request with
    neither is refused: a form of ours always has one."""
    site = request.get_header("Sec-Fetch-Site")
    if site and site not in ("same-origin", "none"):
        return False
    host = request.get_header("Host", "")
    for header in ("Origin", "Referer"):
        value = request.get_header(header)
        if value:
            return bool(host) and urlsplit(value).netloc == host
    return False


def add_routes(app: bottle.Bottle, render: Callable[..., str]) -> None:
    """Add the suggestion routes to ``app``; ``render`` draws a page from a template.

    ``app.config["search.corrections"]`` is the article folder, or None (read-only)."""

    def folder() -> Path | None:
        value = app.config.get("search.corrections")
        return Path(value) if value else None

    def refuse(status: int, message: str) -> str:
        bottle.response.status = status
        return render(
            "error.tpl", title=f"Error {status}", query="", status=status, message=message
        )

    @app.post("/corrections/<article_id:path>")
    def suggest(article_id: str) -> str:
        where = folder()
        if where is None:
            return refuse(
                403,
                "This server is read-only: corrections can be suggested only when it is "
                "started with `python -m search serve --corrections SEEDS_DIR`.",
            )
        if not same_origin(bottle.request):
            return refuse(403, "Corrections are taken only from this site's own article pages.")
        ix: Index = app.config["search.index"]
        try:
            article = ix.article(article_id)
        except ArticleNotFoundError as error:
            return refuse(404, str(error))
        form = bottle.request.forms
        if _field(form, "version") != version(article):
            return refuse(
                409,
                "The article has changed since you opened it: reload it and suggest again.",
            )
        suggestion = _suggestion(article, form)
        if isinstance(suggestion, str):
            return refuse(400, suggestion)
        if _field(form, "confirm") != "yes":
            return render(
                "confirm.tpl",
                title="Confirm the correction",
                query="",
                article=article,
                suggestion=suggestion,
                fields={
                    "version": version(article),
                    "kind": suggestion.kind,
                    "target": suggestion.target,
                    "speaker": suggestion.speaker,
                    "canonical": suggestion.canonical,
                    "country": suggestion.country,
                    "confirm": "yes",
                },
            )
        problem = _source_problem(where, article)
        if problem:
            return refuse(409, problem)
        try:
            corrections.append(where, corrections.entry(article, **suggestion.change()))
        except corrections.CorrectionWriteError as error:
            return refuse(503, str(error))
        try:
            build_index(where, ix.index_location, only=[article.id], workers=0, wait=REINDEX_WAIT)
        except Exception as error:
            # A busy or read-only index, or an indexer bug: the correction is in the
            # file either way, and the next index run applies it.
            bottle.response.status = 202
            return render(
                "error.tpl",
                title="Correction saved",
                query="",
                status="Correction saved",
                message=(
                    f"The correction was saved to {corrections.FILENAME}, but the article "
                    f"could not be re-indexed yet ({error}). It will show after the next "
                    "`python -m search index` run."
                ),
            )
        bottle.redirect(f"/article/{quote(article.id)}?corrected=1", 303)
        return ""  # not reached: redirect raises


def _suggestion(article: Article, form: Any) -> Suggestion | str:
    """The suggestion the form asks for, or what is wrong with it."""
    kind = _field(form, "kind")
    match = _TARGET.fullmatch(_field(form, "target"))
    if kind not in _KINDS:
        return "Choose what to correct: a speaker, a place, something to remove, or a line."
    if match is None or match[1] not in _KINDS[kind]:
        return "Choose the quote, place or line to correct from the article's own."
    items: dict[str, tuple[Any, ...]] = {
        "quote": article.quotes,
        "place": article.locations,
        "removed": article.removed,
    }
    number = int(match[2])
    if number >= len(items[match[1]]):
        return "That quote, place or line is not in this article (reload the page)."
    item = items[match[1]][number]
    if match[1] == "quote":
        passage, before = item.text, item.speaker or "nobody"
    elif match[1] == "place":
        passage = item.name
        before = ", ".join(filter(None, (item.canonical, item.country)))
    else:
        passage, before = item.text, item.reason
    speaker = ""
    if kind == "speaker":
        speaker = _clean(_field(form, "speaker"))
        if not speaker:
            return "Give the name of who said it."
        if len(speaker) > MAX_NAME_CHARS:
            return f"A speaker is at most {MAX_NAME_CHARS} characters."
        if speaker == item.speaker:
            return f"{speaker} is already the speaker of that quote."
    canonical = country = ""
    if kind == "resolve":
        canonical = _clean(_field(form, "canonical"))
        country = _clean(_field(form, "country")).upper()
        if not canonical and not country:
            return "Give the place's name as it should read, or its country, or both."
        if len(canonical) > MAX_NAME_CHARS:
            return f"A place name is at most {MAX_NAME_CHARS} characters."
        if country and not _COUNTRY.fullmatch(country):
            return "A country is its two-letter ISO code, such as GB or UA."
    return Suggestion(kind, match.group(), passage, before, speaker, canonical, country)


def _source_problem(folder: Path, article: Article) -> str | None:
    """Why ``folder`` is not where ``article`` was indexed from as it is, or None.

    The correction is keyed to the file's hash: written against another folder
    or a file edited since, it would never apply (or be reported stale at once)."""
    missing = (
        f"{article.id} is not in {folder}: is --corrections the folder this index was built from?"
    )
    root = folder.resolve()
    try:
        path = (root / article.id).resolve(strict=True)
        if not path.is_relative_to(root):  # a link leading out: the indexer refuses it too
            return missing
        data = read_bytes(path, DEFAULT_MAX_BYTES, follow_links=False)
    except (OSError, RuntimeError, ArticleError):
        return missing
    if content_hash(data) != article.content_hash:
        return (
            f"{article.id} has changed since it was indexed: run `python -m search index` "
            "to bring the index up to date, then suggest the correction again."
        )
    return None


def _field(form: Any, name: str) -> str:
    # WSGI hands over latin-1-decoded bytes; bytes that are not UTF-8 become U+FFFD.
    raw = form.get(name) or ""
    return str(raw).encode("latin-1", "replace").decode("utf-8", "replace")


def _clean(text: str) -> str:
    """One line of printable text: control characters and runs of space folded."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())
