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
from search.extract.people import PERSON_ROLES, SPEECH_VERBS, People, clean_speaker, person_name
from search.extract.roles import speaker_and_role
from search.extract.sentences import CLAUSE_END, CLAUSE_START

_OPEN_CURLY = "“"
# Two apostrophes stand for a double mark in some US archives (''That is so out of touch'').
_MARKS = re.compile(r"''|[\"“”]")

_TITLE = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lord|Lady|Dame|Prof|Professor|President|Prime Minister|"
    r"Chancellor|Minister|Secretary|Senator|Governor|General|Gen|Judge|Justice|Rev|Father|"
    r"King|Queen|Prince|Princess|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Adm|Maj|Cmdr|Atty|Del)\.?"
)
_CAP = r"[A-Z][\w'’\-]*\w"
# An initial inside a name ("George W. Bush"), only when a capitalised word follows.
_INITIAL = r"[A-Z]\.(?=\s+[A-Z])"
_PROPER = (
    rf"(?:{_TITLE}\s+)?{_CAP}(?:\s+(?:de|da|van|von|der|den|bin|al|le|di|du|{_INITIAL}|{_CAP}))*"
)
_PRONOUN = r"(?:he|she|they|it|we|I|He|She|They|It|We)"
_DEFINITE = (
    rf"(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|{_CAP}['’]s)\s+(?:[\w'’\-]+\s+){{0,3}}?"
    rf"(?i:{PERSON_ROLES})"
)
_GROUP = (
    # "Russia's defence ministry": a possessive owner is a determiner too.
    rf"(?:[Aa]n?|[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|{_CAP}(?:\s+{_CAP})*['’]s)\s+"
    r"(?:[\w'’\-]+\s+){0,3}?"
    r"(?:spokesman|spokeswoman|spokesperson|source|sources|official|officials|statement|report|"
    r"aide|insider|analyst|lawyer|lawyers|company|firm|group|government|ministry|department|"
    r"committee|club|band|organisation|organization|airline|bank|regulator|watchdog|union|"
    r"police|court|study|survey|letter|campaign|website|politician|resident|residents|witness|"
    r"witnesses|activist|activists|protester|protesters|account|member|members|worker|workers)"
    # "for Sony", "in the city": who they speak for, or where they are.
    rf"(?:\s+(?:for|from|at|of|to|in)\s+(?:the\s+)?(?:{_CAP}(?:\s+{_CAP})*|[a-z]+))?"
)
# "the company said": the organisation the article introduced.
_ORGANISATION = (
    r"(?:[Tt]he|[Ii]ts)\s+(?:company|firm|group|bank|airline|club|band|organisation|"
    r"organization|ministry|department|regulator|watchdog|union|agency|government)"
)
# "officials said", "U.S. officials said", "senior officials said": a plural source needs
# no determiner (its modifiers are names or adjectives, not "of Commons").
_SOURCES = (
    r"(?:(?:[A-Z][\w.'’\-]*|[a-z]+(?:al|ary|ior|ian|ese|ish))\s+){0,2}?(?:officials|sources|analysts|residents|witnesses|experts|"
    r"diplomats|lawmakers|critics|activists|protesters|observers|authorities)"
)
_SPEAKER = rf"(?P<who>{_DEFINITE}|{_GROUP}|{_SOURCES}|{_PROPER}|{_PRONOUN})"
# "Nick Van den Brul of BNP Paribas described …": the speaker's employer.
# "Rep. Earl Blumenauer (D-Ore.)": a party and state in brackets.
_OF = rf"(?:\s*\([^()]{{1,20}}\))?(?:\s+(?:of|at|from)\s+(?:the\s+)?{_CAP}(?:\s+{_CAP})*)?"
# ", the foreign minister of Ukraine," or ", Majeed Memon," between the speaker and the verb
# (US copy writes long ones: ", an economic adviser to Republicans and former director of
# the nonpartisan Congressional Budget Office,").
_APPOSITION = r"(?:,\s*(?P<appos>[^,\"“”]{1,160}?),|,)?"
# "said Richard Curtin, the chief economist at the bank.": what the name is, after it.
_TRAILING_APPOSITION = (
    r"(?:\s*,\s*(?P<appos>(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Ii]ts)\s+[^,\"“”]{1,160}?)"
    r"\s*(?=[,.;]|$))?"
)
_RELATIVE = r"(?:\s*,?\s*(?:who|which)\b)?"
# "has said", "once said", "later added", "sarcastically replied".
# "smiled and said", "paused and added": another verb of the same subject first.
_AUX = (
    r"(?:(?:has|had|have|was|is|also|then|later|once|again|[a-z]+ly)\s+){0,2}"
    r"(?:[a-z]{2,}(?:ed|s)\s+and\s+)?"
)
_PREFIX = r"(?:[\w'’.\-]+\s+){0,4}?"  # 'Mr Kashyap's lawyer' before 'Mihir Desai said'
# What may follow a name that is a whole speaker: punctuation, the end, a
# preposition or clause word, an adverb. A lowercase noun after a capitalised
# word makes it a modifier instead ("said Republican party boss Reince Priebus").
_NAME_END = (
    # Not a title's abbreviation: "said former Wisconsin Gov. Jim Doyle".
    r"(?<!\bGov)(?<!\bSen)(?<!\bRep)(?<!\bDel)(?<!\bGen)(?<!\bCol)(?<!\bLt)(?<!\bDr)(?<!\bMr)"
    r"(?<!\bMs)(?<!\bMrs)(?<!\bSt)"
    r"(?=\s*[,.;:!?()\[\]—–]|\s*$|\s+(?:[a-z]+ly|of|at|from|for|who|which|whose|when|as|in|on|"
    r"after|before|during|while|and|but|to|with|about|that|this|last|yesterday|today|earlier|"
    r"later|in|[A-Z])\b)"
)
# Any verb in the past tense where an attribution stands ("…,” Trump barked):
# news copy attributes with many more verbs than any list holds.
_PAST = r"(?:[a-z]+ly\s+)?[a-z]{2,}ed\b"
# A stray apostrophe first: a quote inside a quote ends with three apostrophes.
# "shot back", "fired back", "chimed in", "lashed out": a verb and its particle.
_PARTICLE = r"(?:back|in|out)"
_LEAD = r"^['’]?[\s,—–-]*"

_AFTER = [
    re.compile(
        rf"{_LEAD}(?:{SPEECH_VERBS})\s+(?P<pre>(?:[\w&'’.\-]+\s+){{0,4}}?){_SPEAKER}{_NAME_END}"
        rf"{_TRAILING_APPOSITION}"
    ),
    re.compile(
        rf"{_LEAD}(?P<pre>{_PREFIX}){_SPEAKER}{_OF}{_APPOSITION}{_RELATIVE}\s+{_AUX}"
        rf"(?:{SPEECH_VERBS})\b"
    ),
    re.compile(
        rf"{_LEAD}(?:the\s+)?{_SPEAKER}{_OF}{_APPOSITION}\s+{_AUX}"
        rf"(?:{_PAST}|[a-z]{{2,}}\s+{_PARTICLE}\b)"
    ),
    re.compile(rf"{_LEAD}{_PAST}\s+{_SPEAKER}{_NAME_END}"),  # '“…!” beamed Donald Hartley'
    # '"We will not leave" — Dmytro Kuleba': a dash and a bare name.
    re.compile(rf"^\s*(?:[—–―]|--?)\s*(?P<who>{_PROPER})\s*(?:[,.]|$)"),
]
_SIGNATURE = _AFTER[-1]
# Each with a cheap test of the text before the quote that the pattern needs to
# match at all: most quotes have no attribution before them, and an unanchored
# search per pattern per quote was a tenth of extraction time.
_BEFORE: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"(?i:according to)"), re.compile(rf"\b(?i:according to)\s+{_SPEAKER}[\s,:]*$")),
    (
        re.compile(rf"\b(?:{SPEECH_VERBS})\b"),
        re.compile(
            rf"{_SPEAKER}{_OF}{_APPOSITION}{_RELATIVE}\s+{_AUX}(?P<verb>{SPEECH_VERBS})\b"
            rf"[^.!?\"“”]{{0,160}}?[:,]?\s*$"
        ),
    ),
    (re.compile(r":\s*$"), re.compile(rf"{_SPEAKER}{_APPOSITION}\s*:\s*$")),
    # 'Breitbart News responded: “…' and 'Said Dorothy Poynter, who grew up with Ali, “…'
    # 'Trump emphasized, “…' and 'Sanders shot back, "…': the verb, perhaps with its
    # particle, right before the quote.
    (
        re.compile(rf"(?:ed|{_PARTICLE}|ly)\s*[:,]\s*$"),
        re.compile(
            rf"{_SPEAKER}{_OF}{_APPOSITION}\s+{_AUX}(?P<verb>{_PAST}|[a-z]{{2,}}\s+{_PARTICLE})"
            rf"(?:\s+[a-z]+ly)?\s*[:,]\s*$"
        ),
    ),
    (
        re.compile(r"\b(?:Said|Says|Added|Wrote|Asked)\b"),
        re.compile(rf"\b(?:Said|Says|Added|Wrote|Asked)\s+{_SPEAKER}{_APPOSITION}[\s,:]*$"),
    ),
    # 'As Politico reported, “…', 'As the LinkedIn chief executive, Jeff Weiner, put it in
    # his memo, “…'
    (
        re.compile(r"\b[Aa]s\b"),
        re.compile(
            rf"\b[Aa]s\s+{_SPEAKER}{_APPOSITION}\s+{_AUX}(?:{_PAST}|put\s+it)"
            rf"(?:\s+[^.!?\"“”,]{{1,60}})?[\s,:]*$"
        ),
    ),
]


@dataclass
class _Span:
    paragraph: int
    start: int  # offsets within the paragraph, of the text inside the marks
    end: int
    closed: bool  # ended by a closing mark (not by a re-opening one or the paragraph's end)
    close: int = 1  # length of the closing mark


@dataclass
class _Attribution:
    who: str
    appos: str | None
    pre: str | None = None  # words before the name: "Tory leader" Michael Howard


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
            if not text:
                continue
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
            found = _attribution(paragraph, span, following)
            # One word is a scare quote or a mention ("desperate", "him"), unless
            # it is a reply with its attribution: '"Really," she said.'
            if len(text.split()) < 2 and not (found and span.closed and text[-1] in ",!?"):
                continue
            start = offsets[index] + paragraph.index(text, span.start)
            if found is not None:
                speaker, role = _resolve(found, people, start)
            elif quotes and quotes[-1].paragraph >= index - 1:
                speaker, role = quotes[-1].speaker, quotes[-1].role  # the same speech goes on
            else:
                speaker, role = None, None
            if speaker:
                people.add_speaker(speaker, start)
            end = start + len(text)
            quotes.append(Quote(text, speaker, index, start, end, role=role))
    return quotes


def _resolve(found: _Attribution, people: People, at: int) -> tuple[str | None, str | None]:
    """(speaker, role): who said it by name, and what the attribution calls them."""
    speaker = _speaker(found, people, at)
    if speaker:
        named = person_name(found.who)
        surname = bool(named and named[1] and named[0] == speaker)
        speaker = clean_speaker(speaker, surname=surname)
    return speaker_and_role(found.who, found.appos, speaker, before=found.pre)


def _speaker(found: _Attribution, people: People, at: int) -> str | None:
    who = found.who
    appositive = person_name(found.appos) if found.appos else None
    if re.fullmatch(_PRONOUN, who):
        if who.lower() in ("he", "she"):
            return people.salient(at)
        if who.lower() == "it":
            return people.organisation(at)
        return None
    if re.fullmatch(_DEFINITE, who):
        if appositive:
            return people.full_name(appositive[0], at)
        return people.by_role(who) or people.salient(at)
    if re.fullmatch(_GROUP, who):
        if appositive:
            return people.full_name(appositive[0], at)
        if re.fullmatch(_ORGANISATION, who):
            return people.organisation(at) or who
        return who
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
        after = paragraph[match.end()] if match.end() < len(paragraph) else " "
        # An opening mark typed for a closing one ('… for her here,“ said Jim
        # Clyburn'): inside a quote, glued to the word before and followed by a space.
        misused = open_at is not None and not before.isspace() and after.isspace()
        opens = (mark == _OPEN_CURLY and not misused) or (
            mark != "”"
            and (before.isspace() or before in "([—–-‘" or (before == "'" and mark == '"'))
            and not after.isspace()
        )
        if opens:
            if open_at is not None:  # re-opened without closing: the speech went on
                spans.append(_Span(index, open_at, at, closed=False))
            open_at = match.end()
        elif open_at is not None:
            spans.append(_Span(index, open_at, at, closed=True, close=len(mark)))
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


def _attribution(paragraph: str, span: _Span, following: str = "") -> _Attribution | None:
    # After a quote closed with a full stop, a capital starts the next sentence:
    # '"… for the budget." The BBC's correspondent, Rachel Harvey, told …' is not its attribution.
    ends_sentence = paragraph[span.start : span.end].rstrip().endswith(".")
    # (A bounded slice: the rest of a long paragraph per quote made it quadratic.)
    next_capital = re.match(r"\s*[A-Z]", paragraph[span.end + span.close : span.end + 40])
    if span.closed and not (ends_sentence and next_capital):
        after = paragraph[span.end + span.close : span.end + 160]
        after = CLAUSE_END.split(after, maxsplit=1)[0]
        for pattern in _AFTER:
            if match := pattern.search(after):
                return _attributed(match)
    # A quote ending its paragraph, signed on the next line: '"…" / - Clinton.'
    rest = span.end + span.close
    signed = span.closed and len(paragraph) - rest < 80 and not paragraph[rest:].strip()
    if signed and (match := _SIGNATURE.match(following[:160])):
        return _Attribution(match.group("who"), None)
    # The text before the opening mark (two characters when it is two apostrophes).
    opening = 2 if paragraph[max(0, span.start - 2) : span.start] == "''" else 1
    before = paragraph[max(0, span.start - opening - 300) : max(0, span.start - opening)]
    before = CLAUSE_START.split(before)[-1]
    for needed, pattern in _BEFORE:
        if needed.search(before) and (match := _last(pattern, before)):
            return _attributed(match)
    return None


def _attributed(match: re.Match[str]) -> _Attribution:
    found = match.groupdict()
    return _Attribution(match.group("who"), found.get("appos"), found.get("pre") or None)


def _last(pattern: re.Pattern[str], before: str) -> re.Match[str] | None:
    """The attribution nearest the quote: "When asked by Ingraham …, Cruz said:" is
    Cruz's, and "Clinton noted that … ― Trump boasted," is Trump's. A search finds
    the leftmost subject of a speech verb; each later subject that also fits is
    nearer the quote and takes its place. Only a subject after the verb counts:
    one inside the first speaker's apposition ("James A. Lewis, an expert at the
    Center for Strategic and International Studies, said") is part of it."""
    match = pattern.search(before)
    if "verb" not in pattern.groupindex:
        return match
    while match is not None:
        later = pattern.search(before, match.end("verb"))
        if later is None:
            return match
        match = later
    return None
