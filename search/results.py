"""What a search returns: one schema for the library, the JSON API and the pages.

Plain dataclasses of strings, numbers and lists, so ``to_dict()`` is JSON as
it is; HTML fields (``headline_html``, ``snippet``) are already escaped, with
only <mark> tags added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from search.articles import Place, Quote
from search.facets import FacetValue
from search.plain import plain


@dataclass(frozen=True)
class Hit:
    id: str
    headline: str
    headline_html: str
    snippet: str
    score: float
    rank: int
    quotes: list[Quote] = field(default_factory=list)
    locations: list[Place] = field(default_factory=list)
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    #: With ``explain``: the score each field contributes, to see why a hit ranks where it does.
    explain: dict[str, float] | None = None
    #: Places the query named by another spelling, as the article writes them ("Kiev").
    also_matched: list[str] = field(default_factory=list)
    #: The article's quotes that the query matched, by their words or their speaker.
    matched_quotes: list[Quote] = field(default_factory=list)
    #: Near-duplicates of this article in the results, shown once under it ("+2 similar").
    similar: list[str] = field(default_factory=list)
    #: Their headlines, in the same order.
    similar_headlines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class QuoteCard:
    """A quotation that matched, for the quotes view: marked text, speaker, its article."""

    text_html: str
    speaker: str | None
    article_id: str
    headline: str
    paragraph: int
    date: str | None = None
    #: The quotation as plain text (what the quote check is given).
    text: str = ""
    #: What the attribution calls the speaker ("the Tory leader", "a spokesman for Dell").
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Results:
    query: str
    total: int
    page: int
    page_size: int
    elapsed: float  # seconds
    hits: list[Hit]
    #: The query as it was run, when it differs from what was typed.
    interpreted: str | None = None
    #: A line for the user about how the query was read ("searched for the words …").
    notice: str | None = None
    #: A corrected query that finds more, when this one finds little ("kherzon" → "kherson").
    suggestion: str | None = None
    #: Served from the cache of recent queries (which a change to the index empties).
    cached: bool = False
    #: Other spellings of the query's places that the hits matched ("Kiev" for Kyiv).
    also_matched: list[str] = field(default_factory=list)
    #: Facet → values with counts over the whole result set (disjunctive).
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: The facet values the results were filtered to.
    filters: dict[str, list[str]] = field(default_factory=dict)
    #: "relevance" or "newest".
    sort: str = "relevance"
    #: Results per year, oldest first, when articles have dates.
    histogram: dict[str, int] = field(default_factory=dict)
    #: "More results with some of the words": articles holding only some of the query's
    #: words, shown after the last page of full matches; never in ``total`` or the facets.
    more_hits: list[Hit] = field(default_factory=list)
    #: How many articles hold only some of the words; counted for the page that shows
    #: them (the last page of full matches), 0 on the pages before it.
    more_total: int = 0
    #: "articles", or "quotes": then ``quotes`` is the page of matching quotations,
    #: ``quotes_total`` how many there are, and the page count follows them.
    view: str = "articles"
    quotes: list[QuoteCard] = field(default_factory=list)
    quotes_total: int = 0

    @property
    def pages(self) -> int:
        count = self.quotes_total if self.view == "quotes" else self.total
        return max(1, -(-count // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = plain(self)
        data["pages"] = self.pages
        return data
