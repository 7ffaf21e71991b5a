"""Lines scraped along with an article that its reader never wanted.

Each rule names a *shape* that outlets use (consent notices, "JUST IN:" and
"[VIDEO]" teasers, "Topic: headline" links to other stories, "Source: …"
tails), never a particular sentence, so it holds for pages we have not seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from search.articles import RemovedLine

_CONSENT = re.compile(
    r"\b(?:we use your sign-?up|ways you['’]ve consented|you can unsubscribe at any time|"
    r"we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies|cookie policy|"
    r"by (?:continuing|clicking|signing up)[^.]{0,60}you (?:agree|accept|consent)|"
    r"sign up (?:to|for) (?:our|the) [^.]{0,40}newsletter|privacy (?:policy|notice)[^.]{0,40}"
    r"(?:for more|more info))",
    re.IGNORECASE,
)
_TEASER_LEAD = re.compile(
    r"^(?:JUST IN|READ MORE|MORE|LATEST|REVEALED|WATCH|LISTEN|SEE ALSO|SEE|RELATED|READ|BREAKING|"
    r"EXCLUSIVE|LIVE|UPDATE|ALSO READ|DON'?T MISS|MUST READ|TRENDING|PICTURED|INSIGHT|POLL)"
    r"\s*[:\-–—|]\s*\S",
)
_TEASER_TAG = re.compile(
    r"\[(?:VIDEO|VIDEOS|INSIGHT|POLL|PICS|PICTURES|PHOTOS|GALLERY|REVEAL|REVEALED|LIVE|UPDATE|"
    r"LATEST|WATCH|LISTEN|MAP|CHART|ANALYSIS|REPORT|COMMENT|OPINION|QUIZ|SURVEY|EXPLAINED)\]\s*$",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"^(?:Source:|Read (?:the )?Full (?:Article|Story)|Click here to|Sign up (?:to|for)|"
    r"Follow (?:us|\w+) on (?:Twitter|Facebook|Instagram|X)\b|Share this (?:article|story)|"
    r"(?:Copyright|©)\s|All rights reserved|Advertisement$|Related (?:articles|stories|topics)$)",
    re.IGNORECASE,
)
# "Ukraine: Putin agrees to meet President Zelensky for talks": a section word,
# a colon, a headline with no closing punctuation.
_TOPIC_HEADLINE = re.compile(r"^[A-Z][\w'’.\- ]{1,30}:\s+[A-Z0-9‘'“\"][^.!?]*[^\W\d_.!?:;,]$")
_MAX_HEADLINE_WORDS = 16


def classify_line(text: str) -> str | None:
    """The reason ``text`` is boilerplate, or None for a real paragraph."""
    if _CONSENT.search(text):
        return "consent notice"
    if _TEASER_LEAD.match(text) or _TEASER_TAG.search(text):
        return "teaser for another story"
    if _TAIL.match(text):
        return "source or share line"
    if _TOPIC_HEADLINE.match(text) and len(text.split()) <= _MAX_HEADLINE_WORDS:
        return "headline of another story"
    return None


def split_boilerplate(paragraphs: Sequence[str]) -> tuple[list[str], list[RemovedLine]]:
    """Split paragraphs into the ones to keep and the ones removed, with reasons."""
    kept: list[str] = []
    removed: list[RemovedLine] = []
    for text in paragraphs:
        reason = classify_line(text)
        if reason is None:
            kept.append(text)
        else:
            removed.append(RemovedLine(text=text, reason=reason))
    return kept, removed
