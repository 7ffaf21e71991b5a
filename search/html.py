"""Reading an HTML page: title and metadata from tags and JSON-LD, body from the main text.

The body is the text of the page's main content block, never navigation,
scripts, styles, forms or the boxes around an article (share bars, related
links, consent banners, newsletter sign-ups, comments, footers). trafilatura
finds it: on the labelled pages in ../shared/eval/html it scores F1 0.93
against 0.81 for the density heuristic below, which is kept as the fallback
for pages too short for trafilatura to commit to. BeautifulSoup reads the
headline and metadata, which trafilatura's own metadata step reads less
reliably and more slowly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from bs4 import BeautifulSoup, Tag

from search.articles import Page

# Elements whose text is never article text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "input",
    "textarea",
    "figure",
    "figcaption",
    "dialog",
    "menu",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alert", "search"}
# class/id words that mark the boxes around an article.
_BOILERPLATE_NAME = re.compile(
    r"(?:^|[-_ ])(?:cookie|consent|gdpr|newsletter|subscribe|signup|sign-up|share|sharing|social|"
    r"related|recommend|comments?|disqus|promo|advert|ads?|sponsor|breadcrumbs?|footer|masthead|"
    r"navbar|nav|menu|sidebar|popup|modal|banner|outbrain|taboola|paywall|tags|author-bio)"
    r"(?:$|[-_ ])",
    re.IGNORECASE,
)
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd")
_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "BlogPosting",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "WebPage",
}


def read_html(text: str) -> Page:
    soup = BeautifulSoup(text, "html.parser")
    ld = _json_ld_article(soup)
    headline = (
        _meta(soup, "og:title", "twitter:title")
        or _text_of(soup.find("h1"))
        or _str(ld.get("headline"))
        or _text_of(soup.find("title"))
    )
    date = (
        _meta(
            soup,
            "article:published_time",
            "og:published_time",
            "datePublished",
            "date",
            "pubdate",
            "dc.date",
            "DC.date.issued",
            "sailthru.date",
            "parsely-pub-date",
        )
        or _str(ld.get("datePublished"))
        or _time_tag(soup)
    )
    author = _meta(soup, "author", "article:author", "dc.creator", "parsely-author") or _ld_name(
        ld.get("author")
    )
    outlet = _meta(soup, "og:site_name", "application-name") or _ld_name(ld.get("publisher"))
    url = _web_url(_meta(soup, "og:url"), _canonical(soup), _str(ld.get("url")))
    paragraphs = main_text(text, soup)
    if headline and paragraphs and paragraphs[0] == headline:
        paragraphs = paragraphs[1:]
    return Page(
        headline=_clean(headline or ""),
        paragraphs=paragraphs,
        date=date,
        author=author,
        outlet=outlet,
        url=url,
    )


def main_text(html: str, soup: BeautifulSoup) -> list[str]:
    """Paragraphs of the page's main text."""
    # Comments are readers' words, not the article's; favour_recall keeps short
    # paragraphs that trafilatura's default drops, and is faster.
    text = trafilatura.extract(html, include_comments=False, favor_recall=True)
    if text:
        return [line for line in (_clean(t) for t in text.splitlines()) if line]
    return densest_block_text(soup)


def densest_block_text(soup: BeautifulSoup) -> list[str]:
    """Paragraphs of the element holding the most paragraph text (our fallback)."""
    body = soup.body or soup
    _strip_boilerplate(body)
    container = _main_container(body)
    paragraphs: list[str] = []
    seen: set[str] = set()
    for block in container.find_all(_BLOCKS):
        if _inside_block(block, container):
            continue  # read with its enclosing block
        text = _clean(block.get_text(" "))
        if text and text not in seen:
            seen.add(text)
            paragraphs.append(text)
    if not paragraphs:
        text = container.get_text("\n")
        paragraphs = [line for line in (_clean(t) for t in text.splitlines()) if line]
    return paragraphs


def _inside_block(tag: Tag, container: Tag) -> bool:
    parent = tag.parent
    while parent is not None and parent is not container:
        if parent.name in _BLOCKS:
            return True
        parent = parent.parent
    return False


def _strip_boilerplate(root: Tag) -> None:
    """Remove the boxes around an article, top down: a removed box's insides are
    never looked at, so the work is linear in the page (a page of 10,000 nested
    divs took minutes when every tag was checked for having been removed)."""
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    pending = [root]
    while pending:
        for tag in pending.pop().find_all(True, recursive=False):
            if _is_boilerplate(tag):
                tag.decompose()
            else:
                pending.append(tag)


def _is_boilerplate(tag: Tag) -> bool:
    if tag.get("role") in _DROP_ROLES or tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    names = " ".join([*tag.get_attribute_list("class"), str(tag.get("id") or "")])
    return bool(
        names and tag.name not in ("body", "main", "article") and _BOILERPLATE_NAME.search(names)
    )


def _main_container(body: Tag) -> Tag:
    """The element holding the most paragraph text: an <article>/<main> if it has it."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for p in body.find_all("p"):
        length = len(_clean(p.get_text(" ")))
        if length < 25:
            continue
        parent = p.parent
        for weight in (1.0, 0.5):
            if not isinstance(parent, Tag):
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + length * weight
            tags[id(parent)] = parent
            parent = parent.parent
    for semantic in body.find_all(["article", "main"]) + body.find_all(itemprop="articleBody"):
        text = sum(len(_clean(p.get_text(" "))) for p in semantic.find_all("p"))
        if text:
            scores[id(semantic)] = max(scores.get(id(semantic), 0.0), text * 1.05)
            tags[id(semantic)] = semantic
    if not scores:
        return body
    return tags[max(scores, key=lambda k: scores[k])]


def _json_ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for item in _walk_ld(data):
            kind = item.get("@type")
            kinds = set(kind) if isinstance(kind, list) else {kind}
            if kinds & _ARTICLE_TYPES:
                return item
    return {}


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_ld(data["@graph"])


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: name})
            if isinstance(tag, Tag) and tag.get("content"):
                return _clean(str(tag["content"]))
    return None


def _canonical(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    return str(link["href"]) if isinstance(link, Tag) and link.get("href") else None


def _web_url(*candidates: str | None) -> str | None:
    """The first candidate that is an http(s) URL: a page's ``og:url`` or canonical
    link can say ``javascript:`` or ``data:``, which must never become a link."""
    for candidate in candidates:
        if candidate and urlsplit(candidate.strip()).scheme.lower() in ("http", "https"):
            return candidate.strip()
    return None


def _time_tag(soup: BeautifulSoup) -> str | None:
    tag = soup.find("time", datetime=True)
    return str(tag["datetime"]) if isinstance(tag, Tag) else None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _str(value.get("name"))
    return _str(value)


def _str(value: Any) -> str | None:
    return _clean(value) if isinstance(value, str) and value.strip() else None


def _text_of(tag: Any) -> str | None:
    return _clean(tag.get_text(" ")) or None if isinstance(tag, Tag) else None


def _clean(text: str) -> str:
    return " ".join(text.split())
