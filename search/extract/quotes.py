"""Direct quotations and who said them.

A quote is one pair of marks (straight or curly double); a quote re-opened
without being closed (a speech running over paragraphs, which scraped text
often folds into one line) is one quote per opening mark, each with the same
speaker. Single-word quotes are scare quotes or mentions, not speech.

The speaker comes from the attribution in the quote's sentence: after it
(', said Mr Blair', ', Mr Blair said', ', he added') or before it ('Mr Blair
said: ', 'He tweeted: ', 'according to X, ', 'X described it as '). Names,
pronouns and descriptions ("the Tory leader") are then resolved by
:mod:`search.extract.people` to the full name the article introduced. A quote
with no attribution continues the previous quote's speech.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search.articles import Quote
from search.extract.people import PERSON_ROLES, SPEECH_VERBS, People, person_name

_OPEN_CURLY = "“"
_MARKS = re.compile(r"[\"“”]")

_TITLE = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lord|Lady|Dame|Prof|Professor|President|Prime Minister|"
    r"Chancellor|Minister|Secretary|Senator|Governor|General|Gen|Judge|Justice|Rev|Father|"
    r"King|Queen|Prince|Princess)\.?"
)
_CAP = r"[A-Z][\w'’\-]*\w"
_PROPER = rf"(?:{_TITLE}\s+)?{_CAP}(?:\s+(?:de|da|van|von|der|den|bin|al|le|di|du|{_CAP}))*"
_PRONOUN = r"(?:he|she|they|it|we|I|He|She|They|It|We)"
_DEFINITE = (
    rf"(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[\w'’\-]+\s+){{0,3}}?(?i:{PERSON_ROLES})"
)
_GROUP = (
    r"(?:[Aa]n?|[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[\w'’\-]+\s+){0,3}?"
    r"(?:spokesman|spokeswoman|spokesperson|source|sources|official|officials|statement|report|"
    r"aide|insider|analyst|lawyer|lawyers|company|firm|group|government|ministry|department|"
    r"committee|club|band|organisation|organization|airline|bank|regulator|watchdog|union|"
    r"police|court|study|survey|letter|campaign|website|politician|resident|residents|witness|"
    r"witnesses|activist|activists|protester|protesters|account|member|members|worker|workers)"
    # "for Sony", "in the city": who they speak for, or where they are.
    rf"(?:\s+(?:for|from|at|of|to|in)\s+(?:the\s+)?(?:{_CAP}(?:\s+{_CAP})*|[a-z]+))?"
)
_SPEAKER = rf"(?P<who>{_DEFINITE}|{_GROUP}|{_PROPER}|{_PRONOUN})"
# "Nick Van den Brul of BNP Paribas described …": the speaker's employer.
_OF = rf"(?:\s+(?:of|at|from)\s+(?:the\s+)?{_CAP}(?:\s+{_CAP})*)?"
# ", the foreign minister of Ukraine," or ", Majeed Memon," between the speaker and the verb.
_APPOSITION = r"(?:,\s*(?P<appos>[^,\"“”]{1,80}?),|,)?"
_RELATIVE = r"(?:\s*,?\s*(?:who|which)\b)?"
_AUX = r"(?:has\s+|had\s+|also\s+|then\s+|later\s+|was\s+)?"
_PREFIX = r"(?:[\w'’.\-]+\s+){0,4}?"  # 'Mr Kashyap's lawyer' before 'Mihir Desai said'

_AFTER = [
    re.compile(rf"^[\s,]*(?:{SPEECH_VERBS})\s+(?:[\w&'’\-]+\s+){{0,4}}?{_SPEAKER}"),
    re.compile(
        rf"^[\s,]*{_PREFIX}{_SPEAKER}{_OF}{_APPOSITION}{_RELATIVE}\s+{_AUX}(?:{SPEECH_VERBS})\b"
    ),
]
_BEFORE = [
    re.compile(rf"\b(?i:according to)\s+{_SPEAKER}[\s,:]*$"),
    re.compile(
        rf"{_SPEAKER}{_OF}{_APPOSITION}{_RELATIVE}\s+{_AUX}(?:{SPEECH_VERBS})\b"
        rf"[^.!?\"“”]{{0,160}}?[:,]?\s*$"
    ),
    re.compile(rf"{_SPEAKER}{_APPOSITION}\s*:\s*$"),
]
_SENTENCE_CUT = re.compile(r"[.!?][\"”]?\s+(?=[A-Z])|[\"“”]")


@dataclass
class _Span:
    paragraph: int
    start: int  # offsets within the paragraph, of the text inside the marks
    end: int
    closed: bool  # ended by a closing mark (not by a re-opening one or the paragraph's end)


@dataclass
class _Attribution:
    who: str
    appos: str | None


def find_quotes(paragraphs: Sequence[str], headline: str = "") -> list[Quote]:
    """All direct quotations in the body, with speakers and offsets into the joined body."""
    offsets = _paragraph_offsets(paragraphs)
    spans = [_spans(index, paragraph) for index, paragraph in enumerate(paragraphs)]
    blanked = [_outside(p, s) for p, s in zip(paragraphs, spans, strict=True)]
    people = People(blanked, offsets)
    quotes: list[Quote] = []
    for index, paragraph in enumerate(paragraphs):
        for span in spans[index]:
            text = paragraph[span.start : span.end].strip()
            if len(text.split()) < 2:
                continue  # scare quotes and mentions: "desperate", "him"
            start = offsets[index] + paragraph.index(text, span.start)
            found = _attribution(paragraph, span)
            if found is not None:
                speaker = _resolve(found, people, start)
            elif quotes and quotes[-1].paragraph >= index - 1:
                speaker = quotes[-1].speaker  # the same speech goes on
            else:
                speaker = None
            if speaker:
                people.add_speaker(speaker, start)
            quotes.append(
                Quote(
                    text=text, speaker=speaker, paragraph=index, start=start, end=start + len(text)
                )
            )
    return quotes


def _resolve(found: _Attribution, people: People, at: int) -> str | None:
    who = found.who
    appositive = person_name(found.appos) if found.appos else None
    if re.fullmatch(_PRONOUN, who):
        if who.lower() in ("he", "she"):
            return people.salient(at)
        return None
    if re.fullmatch(_DEFINITE, who):
        if appositive:
            return people.full_name(appositive[0], at)
        return people.by_role(who) or people.salient(at)
    if re.fullmatch(_GROUP, who):
        return people.full_name(appositive[0], at) if appositive else who
    named = person_name(who)
    if named is not None or " " not in who:
        return people.full_name(named[0] if named else who, at)
    return re.sub(r"^(?:The|the)\s+", "", who)


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
                spans.append(_Span(index, open_at, at, closed=False))
            open_at = at + 1
        elif open_at is not None:
            spans.append(_Span(index, open_at, at, closed=True))
            open_at = None
    if open_at is not None:
        spans.append(_Span(index, open_at, len(paragraph), closed=False))
    return spans


def _outside(paragraph: str, spans: Sequence[_Span]) -> str:
    """The paragraph with quoted words blanked: names inside quotes are not speakers."""
    chars = list(paragraph)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


def _attribution(paragraph: str, span: _Span) -> _Attribution | None:
    # After a quote closed with a full stop, a capital starts the next sentence:
    # '"… for the budget." The BBC's correspondent, Rachel Harvey, told …' is not its attribution.
    ends_sentence = paragraph[span.start : span.end].rstrip().endswith(".")
    if span.closed and not (ends_sentence and re.match(r"\s*[A-Z]", paragraph[span.end + 1 :])):
        after = paragraph[span.end + 1 : span.end + 160]
        after = re.split(r"(?<=[.!?])\s|[\"“”]", after, maxsplit=1)[0]
        for pattern in _AFTER:
            if match := pattern.search(after):
                return _Attribution(match.group("who"), match.groupdict().get("appos"))
    before = paragraph[max(0, span.start - 1 - 300) : max(0, span.start - 1)]
    before = _SENTENCE_CUT.split(before)[-1]
    for pattern in _BEFORE:
        if match := pattern.search(before):
            return _Attribution(match.group("who"), match.groupdict().get("appos"))
    return None
