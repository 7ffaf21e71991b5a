"""Direct quotations and who said them.

A quote is one pair of marks (straight or curly double); a quote that is
re-opened without being closed (a speech running over paragraphs, which
scraped text often folds into one line) is one quote per opening mark, each
with the same speaker. Single-word quotes are scare quotes or mentions, not
speech. Speakers come from the attribution around the quote ("X said",
"said X", "X told the BBC:", "according to X", "He tweeted:") and pronouns or
surnames are resolved to the full name introduced earlier in the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search.articles import Quote

_OPEN_CURLY, _CLOSE_CURLY = "“", "”"
_MARKS = re.compile(r"[\"“”]")

_VERBS = (
    r"said|says|say|told|tells|added|adds|explained|explains|tweeted|tweets|wrote|writes|asked|"
    r"asks|stated|states|insisted|insists|argued|argues|warned|warns|claimed|claims|declared|"
    r"continued|commented|noted|notes|replied|replies|admitted|admits|acknowledged|announced|"
    r"posted|predicted|suggested|believes|believed|urged|conceded|stressed|maintained|concluded|"
    r"remarked|recalled|revealed|confirmed|agreed|joked|boasted|complained|cautioned|pointed out"
)
_TITLE = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lord|Lady|Dame|Prof|Professor|President|Prime Minister|Chancellor|"
    r"Minister|Secretary|Senator|Governor|General|Gen|Judge|Justice|Chief|Coach|Captain|Rev|"
    r"Father|King|Queen|Prince|Princess)\.?"
)
_CAP = r"[A-Z][\w'’\-]*[\w]"
_PROPER = rf"(?:{_TITLE}\s+)?{_CAP}(?:\s+(?:de|da|van|von|der|bin|al|le|di|du|{_CAP}))*"
_PRONOUN = r"(?:he|she|they|He|She|They|it|It|we|We|I)"
_GROUP = (
    r"(?:[Aa]n?|[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[\w'’\-]+\s+){0,3}?"
    r"(?:spokesman|spokeswoman|spokesperson|source|official|statement|report|spokesmen|aide|"
    r"insider|analyst|lawyer|lawyers|company|firm|group|government|ministry|department|"
    r"committee|club|band|manager|minister|secretary|chairman|chief executive|boss)"
    rf"(?:\s+(?:for|from|at|of|to)\s+(?:the\s+)?{_CAP}(?:\s+{_CAP})*)?"
)
_SPEAKER = rf"(?P<who>{_GROUP}|{_PROPER}|{_PRONOUN})"
# What may stand between the name and the verb: ", the foreign minister of Ukraine,".
_APPOSITION = r"(?:,[^,\"“”]{1,80},|,)?"

# Attribution after the closing mark: ', said Mr Blair.' / ', Mr Blair said.' / ' he added'
_AFTER = [
    re.compile(rf"^[\s,]*(?:{_VERBS})\s+{_SPEAKER}"),
    re.compile(rf"^[\s,]*{_SPEAKER}{_APPOSITION}\s+(?:has\s+|had\s+|also\s+)?(?:{_VERBS})\b"),
]
# Attribution before the opening mark: 'Mr Blair said: ' / 'He tweeted: ' / 'according to X, '
_BEFORE = [
    re.compile(rf"\b(?i:according to)\s+{_SPEAKER}[\s,:]*$"),
    re.compile(
        rf"{_SPEAKER}{_APPOSITION}\s+(?:has\s+|had\s+|also\s+|later\s+)?(?:{_VERBS})\b[^.\"“”]{{0,80}}?[:,]?\s*$"
    ),
    re.compile(rf"{_SPEAKER}{_APPOSITION}\s*:\s*$"),
]
_PERSON = re.compile(rf"\b(?:{_TITLE}\s+)?({_CAP}(?:\s+{_CAP})+)")
_NOT_NAMES = {"The", "This", "That", "These", "Those", "But", "And", "In", "On", "At", "It", "A"}


@dataclass
class _Span:
    paragraph: int
    start: int  # offsets within the paragraph, of the text inside the marks
    end: int


def find_quotes(paragraphs: Sequence[str], headline: str = "") -> list[Quote]:
    """All direct quotations in the body, with speakers and offsets into the joined body."""
    offsets = _paragraph_offsets(paragraphs)
    people = _People(headline)
    quotes: list[Quote] = []
    last_speaker: str | None = None
    for index, paragraph in enumerate(paragraphs):
        spans = _spans(index, paragraph)
        people.read(_outside(paragraph, spans))
        for span in spans:
            text = paragraph[span.start : span.end].strip()
            if len(text.split()) < 2:
                continue  # scare quotes and mentions: "desperate", "him"
            who = _attribution(paragraph, span)
            if who is None and quotes and quotes[-1].paragraph >= index - 1:
                who = last_speaker  # the same speech goes on
            speaker = people.resolve(who, last_speaker) if who else None
            start = offsets[index] + paragraph.index(text, span.start)
            quotes.append(
                Quote(
                    text=text, speaker=speaker, paragraph=index, start=start, end=start + len(text)
                )
            )
            last_speaker = speaker or last_speaker
    return quotes


def _paragraph_offsets(paragraphs: Sequence[str]) -> list[int]:
    offsets, position = [], 0
    for paragraph in paragraphs:
        offsets.append(position)
        position += len(paragraph) + 2
    return offsets


def _spans(index: int, paragraph: str) -> list[_Span]:
    spans: list[_Span] = []
    open_at: int | None = None
    for match in _MARKS.finditer(paragraph):
        at, mark = match.start(), match.group()
        before = paragraph[at - 1] if at else " "
        after = paragraph[at + 1] if at + 1 < len(paragraph) else " "
        opens = mark == _OPEN_CURLY or (
            mark == '"' and (before.isspace() or before in "([—–-‘'") and not after.isspace()
        )
        if opens:
            if open_at is not None:  # re-opened without closing: the speech went on
                spans.append(_Span(index, open_at, at))
            open_at = at + 1
        elif open_at is not None:
            spans.append(_Span(index, open_at, at))
            open_at = None
    if open_at is not None:
        spans.append(_Span(index, open_at, len(paragraph)))
    return spans


def _outside(paragraph: str, spans: Sequence[_Span]) -> str:
    """The paragraph with quoted words blanked: names inside quotes are not speakers."""
    chars = list(paragraph)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


def _attribution(paragraph: str, span: _Span) -> str | None:
    after = paragraph[span.end + 1 : span.end + 120]
    after = re.split(r"(?<=[.!?])\s|[\"“”]", after, maxsplit=1)[0]
    for pattern in _AFTER:
        if match := pattern.search(after):
            return match.group("who")
    before = paragraph[max(0, span.start - 1 - 200) : max(0, span.start - 1)]
    before = re.split(r"[.!?][\"”]?\s+(?=[A-Z])|[\"“”]", before)[-1]
    for pattern in _BEFORE:
        if match := pattern.search(before):
            return match.group("who")
    return None


class _People:
    """Full names met so far, to resolve "he" or "Mr Blair" to "Tony Blair"."""

    def __init__(self, headline: str) -> None:
        self.names: list[str] = []
        self.read(headline)

    def read(self, text: str) -> None:
        for match in _PERSON.finditer(text):
            name = re.sub(rf"^{_TITLE}\s+", "", match.group(1))
            if len(name.split()) > 1 and name.split()[0] not in _NOT_NAMES:
                self.names.append(name)

    def resolve(self, who: str, last: str | None) -> str:
        if re.fullmatch(_PRONOUN, who):
            return last or (self.names[-1] if self.names else who)
        words = who.split()
        bare = re.sub(rf"^{_TITLE}\s+", "", who)
        surname = bare.split()[-1] if bare.split() else who
        if len(bare.split()) == 1 or len(words) > len(bare.split()):
            for name in reversed(self.names):
                if name.split()[-1] == surname and len(name.split()) > 1:
                    return re.sub(rf"^{_TITLE}\s+", "", name)
        return bare if bare and bare[0].isupper() else who
