"""Speaker rules for news written in US and UK styles (issue 8)."""

from __future__ import annotations

import pytest

from search.extract.people import clean_speaker
from search.extract.quotes import find_quotes
from search.extract.sentences import SENTENCE_GAP


def _speakers(*paragraphs: str) -> list[str | None]:
    return [q.speaker for q in find_quotes(list(paragraphs))]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # US style: titles and initials with full stops do not end the sentence.
        (['"We will appeal," said Dr. Harold Varmus, the former director.'], ["Harold Varmus"]),
        (['"It is over," Sen. Ted Cruz said.'], ["Ted Cruz"]),
        (['"Not now," said President George W. Bush.'], ["George W. Bush"]),
        (["Karl Rove spoke first.", '"We won," Mr. Rove said.'], ["Karl Rove"]),
        (['"We win," said former Wisconsin Gov. Jim Doyle.'], ["Jim Doyle"]),
        (['Gov. John Kasich (R-OH), said, "I am getting ready."'], ["John Kasich"]),
        # A capitalised word before a lower-case noun describes the speaker.
        (['"It matters," said Republican party boss Reince Priebus.'], ["Reince Priebus"]),
        # Cue verbs beyond "said", before and after the quote.
        (['"Go back home," Jane Doe barked.'], ["Jane Doe"]),
        (['"This is fantastic!" beamed Donald Hartley of Madison.'], ["Donald Hartley"]),
        (['Later, Acme News responded: "We stand by the story."'], ["Acme News"]),
        (['As Politico reported, "the vote is lost."'], ["Politico"]),
        (['Fight doctor Ferdie Pacheco once said: "He was the greatest."'], ["Ferdie Pacheco"]),
        (['Said Dorothy Poynter, who grew up with him, "We were so proud."'], ["Dorothy Poynter"]),
        # Possessive subjects and organisations introduced earlier.
        (['"Troops withdrew," Russia\'s defence ministry said.'], ["Russia's defence ministry"]),
        (
            ["Acme Corp cut 500 jobs on Monday.", '"Demand has collapsed," it said.'],
            ["Acme Corp"],
        ),
        (
            ["Shares in Acme Corp fell.", '"We expect a loss," the company said.'],
            ["Acme Corp"],
        ),
        # Two apostrophes for a double mark, as some US archives write them.
        (["''That is out of touch,'' said Erin Clark."], ["Erin Clark"]),
        # A dash before a bare name.
        (['"Brave people keep protesting." — Dmytro Kuleba'], ["Dmytro Kuleba"]),
        (['"It hurts." ― Jorge Falcon'], ["Jorge Falcon"]),
        (['"We will fix the mortgages."', "- Clinton. She tends to overstate."], ["Clinton"]),
        # A possessive role with the name in apposition; a newspaper as the subject.
        (['"We can win," Sanders\'s campaign manager, Jeff Weaver, said.'], ["Jeff Weaver"]),
        (['"It was historic," the New York Times reported.'], ["New York Times"]),
        # A surname after a title is a name even when it is also a word of another kind.
        (["''We lost votes,'' Mr. King said."], ["King"]),
        (["''He is one of us,'' Mr. English said."], ["English"]),
        # A surname that is also a nationality or a month ends a name.
        (["''It should win,'' said the Observer's Philip French."], ["Philip French"]),
        (['"We will leave," Theresa May said.'], ["Theresa May"]),
        # A quote inside a quote closes with three apostrophes.
        (["''I would say 'old-school,''' said Gregory W. Slayton."], ["Gregory W. Slayton"]),
        # A long apposition between the name and the verb.
        (
            [
                "''Wages grew,'' Douglas Holtz-Eakin, an economic adviser to Republicans and "
                "former director of the nonpartisan Congressional Budget Office, wrote."
            ],
            ["Douglas Holtz-Eakin"],
        ),
        # An opening curly mark typed where the closing one belongs.
        (["“That could create problems,“ said Jim Clyburn, a congressman."], ["Jim Clyburn"]),
        # Another verb of the same subject first; a verb with its particle.
        (['Ms. Ann Sherry smiled and said, "I am waiting."'], ["Ann Sherry"]),
        (['Bernie Sanders shot back, "They must have been crushed."'], ["Bernie Sanders"]),
        (['"Free stuff for all," Tom Bennett shot back with a laugh.'], ["Tom Bennett"]),
        (['Marco Rubio fired back forcefully: "If that deal stands, we lose."'], ["Marco Rubio"]),
        # Two apostrophes open the quote after its attribution.
        (
            ["During the debate, Hillary Clinton cracked, ''I'm a progressive.''"],
            ["Hillary Clinton"],
        ),
        # "As X put it".
        (
            ["As the LinkedIn chief executive, Jeff Weiner, put it in his memo, ''We will grow.''"],
            ["Jeff Weiner"],
        ),
        # The attribution nearest the quote, not the first speech verb of the sentence.
        (
            ['When asked by Laura Ingraham about visas, Ted Cruz said: "Not a good idea."'],
            ["Ted Cruz"],
        ),
        (
            ['When Ann Lee noted the taxes he had not paid, Tom Ray boasted, "That is smart."'],
            ["Tom Ray"],
        ),
        (
            ['"We win," James Lewis, an expert at the Center for Strategic Studies, said.'],
            ["James Lewis"],
        ),
        # A one-word reply with its attribution is a quote; a scare quote is not.
        (["Ann Lee looked up.", '"Really," she said.', 'It was "desperate".'], ["Ann Lee"]),
    ],
)
def test_speaker_forms(paragraphs: list[str], expected: list[str | None]) -> None:
    assert _speakers(*paragraphs) == expected


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("But Ferguson", "Ferguson"),
        ("Now Vodafone", "Vodafone"),
        ("Boss Henk Addink", "Henk Addink"),
        ("Californian Thomas Slattery", "Thomas Slattery"),
        ("Russian Igor Andreev", "Igor Andreev"),
        ("American", None),
        ("Friday", None),
        ("England", None),
        ("Mr", None),
        ("a spokesman for Sony", "a spokesman for Sony"),
        ("Brian Adams", "Brian Adams"),
    ],
)
def test_speaker_values_carry_no_conjunction_title_or_nationality(
    speaker: str, expected: str | None
) -> None:
    assert clean_speaker(speaker) == expected


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Rove met Sen. Ted Cruz in the U.S. capital. Then they left."
    assert SENTENCE_GAP.split(text) == [
        "Mr. Rove met Sen. Ted Cruz in the U.S. capital.",
        "Then they left.",
    ]
