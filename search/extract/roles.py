"""What an attribution says about the speaker, kept apart from who the speaker is.

"said Richard Curtin, the chief economist for the Michigan Survey", "Tory leader
Michael Howard said", "a spokesman for Dell said", "officials said": the speaker
facet should hold people and organisations by name (Richard Curtin, Michael
Howard), never a job, a nationality or an unnamed source, which would make one
facet value of every spokesman in the index. The description is still worth
showing beside the quote, so it becomes the quote's ``role``.

A description is read by its head noun: a person's ("spokesman", "official",
"politician", "leader"), a document's ("statement", "report") or a generic
organisation's ("the company", "the ministry"). A named organisation ("Russia's
defence ministry") stays a speaker; a document's named owner ("Crosby's
statement") is the speaker, its description the role.
"""

from __future__ import annotations

import re

from search.extract.people import PERSON_ROLES
from search.extract.vocabulary import (
    CALENDAR,
    DEMONYMS,
    FUNCTION_WORDS,
    OPENERS,
    ROLE_MODIFIERS,
    TITLES,
)

__all__ = ["is_description", "speaker_and_role"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PERSON_NOUNS = _words(
    """
    spokesman spokeswoman spokesperson spokesmen source sources official officials aide aides
    insider insiders analyst analysts lawyer lawyers politician politicians resident residents
    witness witnesses activist activists protester protesters member members worker workers
    man woman men women person people supporter supporters voter voters critic critics expert
    experts economist economists adviser advisers advisor advisors colleague colleagues friend
    friends neighbour neighbor relative relatives veteran veterans staffer staffers diplomat
    diplomats lawmakers observers authorities prosecutors investigators
    """
) | frozenset(w for w in PERSON_ROLES.split("|") if w.isalpha())
_DOCUMENT_NOUNS = _words(
    """
    statement statements report reports letter study survey website account poster document
    memo paper editorial note tweet post release announcement filing
    """
)
_ORGANISATION_NOUNS = _words(
    """
    company firm group government ministry department committee club band organisation
    organization airline bank regulator watchdog union police court campaign agency council
    """
)
_DETERMINERS = _words("a an the its his her their one another some several two three")
# Words before a name that are courtesy, not a description: "Mr. Rove" has no role.
_HONORIFICS = _words("mr mrs ms miss dr sir dame lord lady")
# Where the head noun's phrase ends: "a spokesman for Dell", "a source close to the club".
_TAIL = re.compile(r"\s+(?:for|from|at|of|to|in|on|close|with|who|which)\b.*$", re.DOTALL)
_POSSESSIVE = re.compile(r"^(?P<owner>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*)['’]s?\s+")


def _head(text: str) -> str:
    words = _TAIL.sub("", text).split()
    return words[-1].lower().strip(".,") if words else ""


def _named(word: str) -> bool:
    """A capitalised word that names something ("Russia's", "Pew"), not an adjective
    made from one ("Canada-based")."""
    return word[:1].isupper() and "-" not in word


def is_description(text: str) -> bool:
    """A job, an unnamed source or a document rather than a name: "a spokesman for
    Dell", "the Tory leader", "officials", "Blair's spokesman", "the report"; but
    not "Russia's defence ministry" or "New York Times"."""
    head = _head(text)
    if head in _PERSON_NOUNS or head in _DOCUMENT_NOUNS:
        return True
    if head in _ORGANISATION_NOUNS:
        words = _TAIL.sub("", text).split()
        first = words[0].lower() if words else ""
        rest = words[1:-1] if first in _DETERMINERS else words[:-1]
        return not any(_named(w) for w in rest)  # "the company", not "Russia's ministry"
    return False


def _owner(text: str) -> str | None:
    """The named owner of a document: "Crosby's statement" → "Crosby"."""
    if _head(text) not in _DOCUMENT_NOUNS:
        return None
    match = _POSSESSIVE.match(text)
    return match.group("owner") if match else None


def _as_role(text: str) -> str:
    """A description as it reads after a name: "The Tory leader" → "the Tory leader"."""
    first, _, rest = text.strip(" ,").partition(" ")
    if first.lower() in _DETERMINERS and rest:
        return f"{first.lower()} {rest}"
    return text.strip(" ,")


def _prefix(who: str, speaker: str) -> str | None:
    """The words before the name in the attribution: "Tory leader" of "Tory leader
    Michael Howard"; none for courtesy titles, conjunctions and time words."""
    words = who.split()
    surname = speaker.split()[-1]
    for index, word in enumerate(words):
        if word.rstrip("'’s") == surname or word == surname:
            start = max(0, index - len(speaker.split()) + 1)
            before = words[:start]
            break
    else:
        return None
    while before and (
        before[0].lower().rstrip(".,") in FUNCTION_WORDS | OPENERS | CALENDAR
        or before[0].lower() == "said"
    ):
        before = before[1:]
    if not before or all(w.lower().rstrip(".") in _HONORIFICS for w in before):
        return None
    return " ".join(before)


def speaker_and_role(
    who: str, appositive: str | None, speaker: str | None, *, before: str | None = None
) -> tuple[str | None, str | None]:
    """The quote's (speaker, role) from the attribution's words ``who``, the
    apposition after them, and the speaker the article resolved them to.

    "a spokesman for Dell" → (None, "a spokesman for Dell"); "the Tory leader"
    resolved to Michael Howard → ("Michael Howard", "the Tory leader"); "Richard
    Curtin" with ", the chief economist for …" → ("Richard Curtin", "the chief
    economist for …"); "Crosby's statement" → ("Crosby", "Crosby's statement").
    """
    if speaker is not None and is_description(speaker):
        owner = _owner(speaker)
        return owner, _as_role(speaker)
    if speaker is None:
        owner = _owner(who)
        if owner is not None:
            return owner, _as_role(who)
        return None, _as_role(who) if is_description(who) or _bare(who) else None
    if is_description(who):
        return speaker, _as_role(who)
    if appositive and appositive[:1].islower():
        # ", the mayor of the town," but not ", Majeed Memon,": a description, not a name.
        first = appositive.split()[0]
        if first in _DETERMINERS or is_description(appositive):
            return speaker, _as_role(appositive)
    return speaker, _prefix(who, speaker) or _describing(before)


def _describing(words: str | None) -> str | None:
    """Words the attribution put before a name, when they say what the person is:
    "Tory leader", "Republican party boss", "former Wisconsin Gov.", "American"."""
    if not words or not words.strip():
        return None
    last = words.split()[-1].lower().rstrip(".,")
    if last in _PERSON_NOUNS or last in TITLES or last in DEMONYMS or last in ROLE_MODIFIERS:
        return _as_role(words)
    return None


def _bare(who: str) -> bool:
    """One capitalised word that was no speaker because it says what the speaker
    is: "American", "President", "Officials" (not "He", "When" or "Russia")."""
    word = who.strip()
    lowered = word.lower().rstrip(".")
    if " " in word or not word[:1].isupper():
        return False
    return lowered in DEMONYMS or lowered in TITLES or lowered in _PERSON_NOUNS
