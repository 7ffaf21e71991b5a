"""What a search may ask for and how much: limits and choices every backend applies
the same way, so a query means the same whichever engine answers it."""

from __future__ import annotations

MAX_QUERY_CHARS = 500
MAX_PAGE_SIZE = 100
#: Queries finding fewer articles than this get a spelling suggestion, if one finds more.
FEW_RESULTS = 3
#: Queries of this many words or more are read as natural language, not as keywords.
LONG_QUERY_WORDS = 4
SORTS = ("relevance", "newest")
VIEWS = ("articles", "quotes")
#: The quotes view gathers quotations from this many of the best-ranked articles.
QUOTE_ARTICLES = MAX_PAGE_SIZE
#: Related articles are found by this many of an article's distinctive words (Whoosh's
#: default of 5 often finds nothing on real text).
RELATED_TERMS = 20
UNDATED_NOTICE = (
    "No article in this index has a date, so newest first and date ranges do not apply: "
    "these are all the results, by relevance."
)
