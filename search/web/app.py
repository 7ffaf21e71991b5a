"""The Bottle app: HTML pages and their JSON twins over one :class:`search.Index`.

Pages render exactly what the JSON API returns (``Results``, ``Article``):
there is no second code path for the browser. Templates escape everything by
default; the only raw HTML they emit is ``headline_html``/``snippet`` and
marked paragraphs, which :mod:`search.snippets` builds from escaped text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import bottle

from search.errors import ArticleNotFoundError, CorruptIndexError, InvalidRequestError
from search.quotecheck import check_quote
from search.schema import FACETS
from search.searcher import MAX_PAGE_SIZE, Index
from search.snippets import Highlight, mark
from search.web import suggest

_HERE = Path(__file__).parent
_TEMPLATES = [str(_HERE / "templates")]
_STATIC = str(_HERE / "static")

#: No outside resources, no inline script or style: an injected <script> cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


_DEFAULT_PAGE_SIZE = 10
FACET_LABELS = {"country": "Places", "speaker": "Speakers", "outlet": "Outlets", "year": "Years"}


def make_app(
    ix: Index, *, page_size: int = _DEFAULT_PAGE_SIZE, corrections: str | Path | None = None
) -> bottle.Bottle:
    """Build the WSGI app over an open index (which the caller closes).

    The app only reads, unless ``corrections`` names the article folder the index
    was built from: then the article page takes suggested corrections, writes them
    to that folder's corrections file and re-indexes the article (search.web.suggest).
    """
    app = bottle.Bottle()
    app.config["search.index"] = ix
    app.config["search.page_size"] = page_size
    app.config["search.corrections"] = str(corrections) if corrections else None

    def index_() -> Index:
        return app.config["search.index"]  # type: ignore[no-any-return]

    @app.hook("after_request")
    def security_headers() -> None:
        bottle.response.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        bottle.response.set_header("X-Content-Type-Options", "nosniff")
        bottle.response.set_header("Referrer-Policy", "same-origin")
        bottle.response.set_header("X-Frame-Options", "DENY")

    @app.get("/")
    def home() -> str:
        return _page("home.tpl", title="News search", query="", count=len(index_()))

    @app.get("/search")
    def search_page() -> str:
        query, page, size = _search_args(app)
        view = _view()
        results = _run_search(index_(), query, page, size, view=view)
        state = _SearchState(
            query, size, results.filters, view, results.sort, _arg("since"), _arg("until")
        )
        return _page(
            "results.tpl",
            title=f"{query} – search" if query else "Search",
            query=query,
            results=results,
            page_url=state.page_url,
            facet_url=state.facet_url,
            view_url=state.view_url,
            sort_url=state.sort_url,
            view=state.view,
            state=state,
            facet_labels=FACET_LABELS,
        )

    @app.get("/article/<article_id:path>")
    def article_page(article_id: str) -> str:
        query = _arg("q")
        article = _article(index_(), article_id)
        terms = index_().highlight(query) if query else Highlight()
        return _page(
            "article.tpl",
            title=article.headline,
            query=query,
            article=article,
            headline_html=mark(article.headline, terms),
            paragraphs_html=[mark(p, terms) for p in article.paragraphs],
            related=index_().related(article.id),
            original=index_().original(article.id),
            writable=app.config["search.corrections"] is not None,
            form_version=suggest.version,
            saved=app.config["search.corrections"] is not None and _arg("corrected") == "1",
        )

    @app.get("/api/search")
    def search_api() -> str:
        query, page, size = _search_args(app)
        explain = _arg("explain").lower() in ("1", "true", "yes")
        results = _run_search(index_(), query, page, size, explain=explain, view=_view())
        return _json(results.to_dict())

    @app.get("/api/articles/<article_id:path>/related")
    def related_api(article_id: str) -> str:
        _article(index_(), article_id)  # a 404 for an unknown id
        return _json([hit.to_dict() for hit in index_().related(article_id)])

    @app.get("/api/articles/<article_id:path>")
    def article_api(article_id: str) -> str:
        return _json(_article(index_(), article_id).to_dict())

    @app.get("/check")
    def check_page() -> str:
        text, speaker = _check_args()
        answer = check_quote(index_(), text, speaker=speaker or None) if text else None
        return _page("check.tpl", title="Check a quote", text=text, speaker=speaker, answer=answer)

    @app.get("/api/check")
    def check_api() -> str:
        text, speaker = _check_args()
        return _json(check_quote(index_(), text, speaker=speaker or None).to_dict())

    @app.get("/help")
    def help_page() -> str:
        return _page("help.tpl", title="How to search", query="")

    @app.get("/opensearch.xml")
    def opensearch() -> str:
        bottle.response.content_type = "application/opensearchdescription+xml; charset=utf-8"
        return _page("opensearch.tpl", base=_base_url())

    @app.get("/healthz")
    def healthz() -> str:
        try:
            return _json({"status": "ok", "articles": len(index_())})
        except CorruptIndexError as error:  # what every other route would say
            bottle.response.status = 503
            return _json({"status": "error", "error": str(error)})

    @app.get("/static/<filename:path>")
    def static(filename: str) -> Any:
        return bottle.static_file(filename, root=_STATIC)

    suggest.add_routes(app, _page)
    for status in (400, 404, 405, 500, 503):
        app.error(status)(_error_page)
    return app


#: A Host header as browsers send it: a name or an IPv4/IPv6 address, and a port.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def _base_url() -> str:
    """This server's absolute URL, as the user reached it (browsers need one for
    OpenSearch). A Host header that is not a host name is not echoed: the
    address the server listens on is used instead."""
    request = bottle.request
    scheme = "https" if request.urlparts.scheme == "https" else "http"
    host = request.get_header("Host", "")
    if not _HOST.fullmatch(host):
        server = request.environ.get("SERVER_NAME", "localhost")
        host = f"{server}:{request.environ.get('SERVER_PORT', '80')}"
        if not _HOST.fullmatch(host):
            host = "localhost"
    return f"{scheme}://{host}"


#: A pasted quote longer than this is cut: quotes are sentences, not articles.
MAX_QUOTE_CHARS = 2000


def _check_args() -> tuple[str, str]:
    return _arg("quote")[:MAX_QUOTE_CHARS].strip(), _arg("speaker")[:200].strip()


def _search_args(app: bottle.Bottle) -> tuple[str, int, int]:
    query = _arg("q")
    page = _int_arg("page", 1, 1, 1_000_000)
    size = _int_arg("page_size", app.config["search.page_size"], 1, MAX_PAGE_SIZE)
    return query, page, size


def _arg(name: str) -> str:
    """A query-string argument as text; bytes that are not UTF-8 become U+FFFD, not an error."""
    return _recode(bottle.request.query.get(name) or "")


def _recode(raw: str) -> str:
    # WSGI hands over latin-1-decoded bytes.
    return raw.encode("latin-1", "replace").decode("utf-8", "replace").replace("\0", "")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = _arg(name).strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        bottle.abort(400, f"{name} must be a whole number, not {raw[:40]!r}")
    if not low <= value <= high:
        bottle.abort(400, f"{name} must be between {low} and {high}")
    return value


def _article(ix: Index, article_id: str) -> Any:
    try:
        return ix.article(article_id)
    except ArticleNotFoundError as error:
        bottle.abort(404, str(error))


def _view() -> str:
    return "quotes" if _arg("view") == "quotes" else "articles"


def _run_search(
    ix: Index, query: str, page: int, size: int, *, explain: bool = False, view: str = "articles"
) -> Any:
    """The search both the page and the JSON API run, from the URL's parameters."""
    try:
        return ix.search(
            query,
            page=page,
            page_size=size,
            explain=explain,
            filters=_filters(),
            sort=_arg("sort") or "relevance",
            since=_arg("since") or None,
            until=_arg("until") or None,
            view=view,
        )
    except InvalidRequestError as error:  # a bad sort or date: say so, as for a bad page number
        bottle.abort(400, str(error))


def _filters() -> dict[str, list[str]]:
    """Facet selections from the URL: ?country=Ukraine&country=Poland&year=2005."""
    return {name: [_recode(v) for v in bottle.request.query.getall(name)] for name in FACETS}


@dataclass(frozen=True)
class _SearchState:
    """What a results URL carries: query, filters, view, page size; builds the links."""

    query: str
    size: int
    filters: dict[str, list[str]]
    view: str
    sort: str = "relevance"
    since: str = ""
    until: str = ""

    def url(self, page: int = 1, **changes: Any) -> str:
        state = replace(self, **changes)
        params: list[tuple[str, Any]] = [("q", state.query)]
        params += [(name, value) for name, values in state.filters.items() for value in values]
        if state.view != "articles":
            params.append(("view", state.view))
        if state.sort != "relevance":
            params.append(("sort", state.sort))
        params += [
            (name, value)
            for name, value in (("since", state.since), ("until", state.until))
            if value
        ]
        if page != 1:
            params.append(("page", page))
        if state.size != _DEFAULT_PAGE_SIZE:
            params.append(("page_size", state.size))
        return "/search?" + urlencode(params)

    def page_url(self, page: int) -> str:
        return self.url(page)

    def facet_url(self, name: str, value: str) -> str:
        """Ticks or unticks one facet value, back on page 1."""
        values = self.filters.get(name, [])
        toggled = [v for v in values if v != value] if value in values else [*values, value]
        return self.url(filters={**self.filters, name: toggled})

    def view_url(self, view: str) -> str:
        return self.url(view=view)

    def sort_url(self, sort: str) -> str:
        return self.url(sort=sort)


def _page(name: str, **context: Any) -> str:
    context.setdefault("quote", quote)
    context.setdefault("urlencode", urlencode)
    return str(bottle.template(name, template_lookup=_TEMPLATES, **context))


def _json(data: Any) -> str:
    bottle.response.content_type = "application/json; charset=utf-8"
    return json.dumps(data, ensure_ascii=False)


def _error_page(error: bottle.HTTPError) -> str:
    exception = error.exception
    if isinstance(exception, CorruptIndexError):
        error.status = bottle.response.status = 503  # a server-side state, not a bug
        message = str(exception)
    elif error.status_code >= 500:
        message = "Something went wrong on our side. Try again, or try another query."
    else:
        message = str(error.body) if isinstance(error.body, str) else "That page does not exist."
    if bottle.request.path.startswith("/api/"):
        return _json({"error": message, "status": error.status_code})
    bottle.response.content_type = "text/html; charset=utf-8"
    return _page(
        "error.tpl",
        title=f"Error {error.status_code}",
        query=_arg("q"),
        status=error.status_code,
        message=message,
    )
