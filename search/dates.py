"""An article's date when its page gives none: from a date line or dateline near the
top of the text, or from a folder or file name that holds one.

HTML pages give theirs in meta tags and JSON-LD (:mod:`search.html`); this is for
the rest. Only full dates are taken (a day, or a year and month from a path):
a year alone ("2005 budget") is not a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

__all__ = ["date_from_path", "date_from_text", "find_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_TEXT_DATES = [
    re.compile(rf"\b{_YEAR}-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]
_PATH_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)[-_/.]?(?P<month>[01]\d)(?:[-_/.]?(?P<day>[0-3]\d))?(?!\d)"
)
#: A date line is short ("Published: 3 March 2005"); a dateline opens the first paragraph.
_DATE_LINE_CHARS = 80
_LINES_LOOKED_AT = 3


def _valid(year: str, month: str, day: str | None) -> str | None:
    try:
        number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
        return date(int(year), number, int(day or 1)).isoformat()
    except (KeyError, ValueError):
        return None


def date_from_text(paragraphs: Sequence[str]) -> str | None:
    """The date of a date line among the first lines, or of a dateline opening the
    first paragraph ("LONDON, 3 March 2005 – …"), as YYYY-MM-DD."""
    for number, paragraph in enumerate(paragraphs[:_LINES_LOOKED_AT]):
        text = paragraph if len(paragraph) <= _DATE_LINE_CHARS else ""
        if number == 0 and not text:
            text = paragraph[:_DATE_LINE_CHARS]
        for pattern in _TEXT_DATES:
            match = pattern.search(text)
            if match:
                found = _valid(match["year"], match["month"], match["day"])
                if found:
                    return found
    return None


def date_from_path(relative_path: str) -> str | None:
    """The date a folder or file name holds ("2005/03/14/x.txt", "2005-03-story.txt")."""
    for match in _PATH_DATE.finditer(relative_path):
        found = _valid(match["year"], match["month"], match["day"])
        if found:
            return found
    return None


def find_date(paragraphs: Sequence[str], relative_path: str) -> str | None:
    """The text's own date first, then the path's."""
    return date_from_text(paragraphs) or date_from_path(relative_path)
