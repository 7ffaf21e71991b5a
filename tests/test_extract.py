"""Extraction rules: boilerplate lines, quotes with speakers, places."""

from __future__ import annotations

import pytest

from search import parse_article
from search.extract.boilerplate import classify_line
from search.extract.places import find_places
from search.extract.quotes import find_quotes

from .conftest import ARTICLES


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("We use your sign-up to provide content in ways you've consented to.", "consent notice"),
        ("This website uses cookies to give you the best experience.", "consent notice"),
        ("JUST IN: Minister resigns after leaked memo row", "teaser for another story"),
        ("READ MORE: Ten things we learned this week", "teaser for another story"),
        ("Flood waters reach the old town [VIDEO]", "teaser for another story"),
        ("Why the vote matters [INSIGHT]", "teaser for another story"),
        ("Source: Read Full Article", "source or share line"),
        ("Politics: Leader agrees to meet rivals for talks", "headline of another story"),
    ],
)
def test_boilerplate_shapes_are_recognised(line: str, reason: str) -> None:
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The march ended on Khreshchatyk Street, where police had closed the roads.",
        "He said: “We will not leave.”",
        "Critics called the plan reckless.",
        "The minister said the video would be published [on Monday].",
    ],
)
def test_real_paragraphs_are_kept(line: str) -> None:
    assert classify_line(line) is None


def test_removed_lines_are_kept_with_their_reasons() -> None:
    article = parse_article(ARTICLES / "world" / "kyiv-rally.txt")
    removed = {r.text: r.reason for r in article.removed}
    assert removed["Source: Read Full Article"] == "source or share line"
    assert "JUST IN: Minister resigns after leaked memo row" in removed
    assert not any("sign-up" in p or "JUST IN" in p or "[VIDEO]" in p for p in article.paragraphs)


def _quotes(*paragraphs: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(list(paragraphs))]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (['"The plan is sound," said Jane Doe.'], [("The plan is sound,", "Jane Doe")]),
        (["“The plan is sound,” Jane Doe said."], [("The plan is sound,", "Jane Doe")]),
        (
            ['Jane Doe told the BBC: "We will win this vote."'],
            [("We will win this vote.", "Jane Doe")],
        ),
        (
            ['According to Jane Doe, "the numbers do not add up".'],
            [("the numbers do not add up", "Jane Doe")],
        ),
        (['The party called the plan "desperate".'], []),
    ],
)
def test_quote_and_speaker_forms(
    paragraphs: list[str], expected: list[tuple[str, str | None]]
) -> None:
    assert _quotes(*paragraphs) == expected


def test_quote_split_by_its_attribution_is_two_quotes() -> None:
    assert _quotes('"We came," said Jane Doe, "and we stayed until the end."') == [
        ("We came,", "Jane Doe"),
        ("and we stayed until the end.", "Jane Doe"),
    ]


def test_pronouns_and_surnames_resolve_to_the_full_name() -> None:
    found = _quotes(
        "Jane Doe, the transport minister, visited the depot.",
        'She said: "The trains will run on time."',
        '"No more delays," Ms Doe added.',
    )
    assert found == [("The trains will run on time.", "Jane Doe"), ("No more delays,", "Jane Doe")]


def test_quote_running_over_paragraphs_keeps_its_speaker() -> None:
    found = _quotes(
        'Jane Doe said: "The first part of the speech.',
        '"The second part of the same speech."',
    )
    assert found == [
        ("The first part of the speech.", "Jane Doe"),
        ("The second part of the same speech.", "Jane Doe"),
    ]


def test_quote_offsets_point_into_the_body() -> None:
    article = parse_article(ARTICLES / "world" / "kyiv-rally.txt")
    assert article.quotes
    for quote in article.quotes:
        assert article.body[quote.start : quote.end] == quote.text


def _places(text: str, headline: str = "") -> list[str]:
    return [p.canonical for p in find_places(headline, [text])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters gathered in Kiev on Sunday.", ["Kyiv"]),
        ("The plant in Energodar was shut.", ["Enerhodar"]),
        ("Crowds marched along Ushakova Avenue at noon.", ["Ushakova Avenue"]),
        ("Talks in Britain and in the US ended.", ["United Kingdom", "United States"]),
        ("Manchester United won again at home.", []),
        ("Police said the road would reopen.", []),
        ("Bill Clinton spoke, and later Clinton left.", []),
        ("Mr Jordan said he was happy.", []),
    ],
)
def test_places_are_found_and_guarded(text: str, expected: list[str]) -> None:
    assert _places(text) == expected


def test_a_place_carries_gazetteer_details() -> None:
    [kyiv] = find_places("", ["A rally in Kiev."])
    assert (kyiv.name, kyiv.canonical, kyiv.kind, kyiv.country) == ("Kiev", "Kyiv", "city", "UA")
    assert kyiv.latitude and kyiv.longitude
    assert "Kiev" in kyiv.alternate_names and "Kyjiw" in kyiv.alternate_names


def test_seed_article_is_extracted(tmp_path: object) -> None:
    from pathlib import Path

    [seed] = (Path(__file__).parent.parent / "seeds").glob("*.txt")
    article = parse_article(seed)
    speakers = {q.speaker for q in article.quotes}
    assert {"Dmytro Kuleba", "Euromaidan Press"} <= speakers
    names = {p.canonical for p in article.locations}
    assert {"Kherson", "Ukraine", "Berdyansk", "Enerhodar", "Ushakova Avenue"} <= names
    assert not names & {"Putin", "Telegram", "Euromaidan"}
    assert not any("Read Full Article" in p or "JUST IN" in p for p in article.paragraphs)


def test_role_description_resolves_to_the_person_introduced_with_it() -> None:
    found = _quotes(
        "Opposition leader Maria Lopez attacked the plan on Monday.",
        'The scheme was "a tax on hope", the opposition leader said.',
    )
    assert found == [("a tax on hope", "Maria Lopez")]


def test_pronoun_goes_to_the_sentence_subject_not_the_last_name() -> None:
    found = _quotes(
        "Tom Baker, who faces Ivan Petrov next, admitted the match had been hard.",
        '"It was point by point," he said.',
    )
    assert found == [("It was point by point,", "Tom Baker")]


def test_a_new_sentence_after_a_closed_quote_is_not_its_attribution() -> None:
    found = _quotes(
        'Jane Doe said: "The budget is fine. We are ready." Critics such as Ann Lee said otherwise.'
    )
    assert found == [("The budget is fine. We are ready.", "Jane Doe")]


def test_appositive_name_wins_over_a_description() -> None:
    found = _quotes('Their lawyer, Ravi Shah, said: "We will appeal the ruling."')
    assert found == [("We will appeal the ruling.", "Ravi Shah")]


def test_possessive_is_not_a_speaker_and_ends_a_name() -> None:
    found = _quotes(
        "Party leader Sam Hill criticised Anna Moss's budget.",
        'He said it was "a budget for nobody".',
    )
    assert found == [("a budget for nobody", "Sam Hill")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks opened in March and closed in May.", []),
        ("Nokia said sales rose.", []),
        ("The new plant near Nokia will open soon.", ["Nokia"]),
        ("The World Cup was held in Korea and Japan.", ["South Korea", "Japan"]),
        ("US President George Bush spoke.", ["United States"]),
        ("The FDA approved the drug.", []),
        ("Fans packed the Stade de France.", ["Stade de France"]),
    ],
)
def test_place_evidence_rules(text: str, expected: list[str]) -> None:
    assert _places(text) == expected


def test_countries_named_as_sports_teams_are_not_places() -> None:
    story = [
        "France were beaten 24-18 by Ireland in the Six Nations match in Dublin on Saturday.",
        "The coach said the squad would recover before the final fixture of the season.",
        "Ireland face Wales next, and the fly-half scored a try to seal the win.",
    ]
    assert [p.canonical for p in find_places("", story)] == ["Dublin"]


def test_ambiguous_name_takes_the_country_the_story_is_about() -> None:
    us = find_places("", ["Voters in Georgia and Texas queued for hours across the United States."])
    assert ("Georgia", "US") in {(p.canonical, p.country) for p in us}
    abroad = find_places("", ["Talks between Georgia and Russia resumed in Tbilisi."])
    assert ("Georgia", "GE") in {(p.canonical, p.country) for p in abroad}


def test_landmark_takes_the_country_of_its_name_or_the_story() -> None:
    places = {
        p.name: p.country
        for p in find_places(
            "",
            [
                "Crowds in Kherson marched along Ushakova Avenue.",
                "Fans in Dublin watched the game from the Stade de France on screens.",
            ],
        )
    }
    assert places["Ushakova Avenue"] in {"UA", "IE"}
    assert places["Stade de France"] == "FR"


def _roles(*paragraphs: str) -> list[tuple[str | None, str | None]]:
    return [(q.speaker, q.role) for q in find_quotes(list(paragraphs))]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # Unnamed sources and job titles are the quote's role, never a speaker value.
        (
            ['"We are ready," a spokesman for Acme Corp said.'],
            [(None, "a spokesman for Acme Corp")],
        ),
        (
            ['A local politician in the city posted on Telegram that "the mayor was taken".'],
            [(None, "a local politician in the city")],
        ),
        (['"No deal yet," officials said.'], [(None, "officials")]),
        (['"We are proud," American Ann Lee said.'], [("Ann Lee", "American")]),
        # A named speaker keeps the description the attribution gives.
        (
            ['"Demand fell," said Richard Curtin, the chief economist at the bank.'],
            [("Richard Curtin", "the chief economist at the bank")],
        ),
        (['"We will win," Tory leader Michael Howard said.'], [("Michael Howard", "Tory leader")]),
        (['"We will win," Mr. Rove said.'], [("Rove", None)]),
        (
            ["Michael Howard spoke.", '"We will win," the Tory leader said.'],
            [("Michael Howard", "the Tory leader")],
        ),
        # A document speaks for its named owner; a named organisation is a speaker.
        (['"It was wrong," Crosby\'s statement said.'], [("Crosby", "Crosby's statement")]),
        (
            ['"Troops left," Russia\'s defence ministry said.'],
            [("Russia's defence ministry", None)],
        ),
    ],
)
def test_descriptions_are_roles_not_speakers(
    paragraphs: list[str], expected: list[tuple[str | None, str | None]]
) -> None:
    assert _roles(*paragraphs) == expected


def test_a_stored_quote_without_a_role_still_loads() -> None:
    from search.articles import Quote

    assert (
        Quote(**{"text": "x y", "speaker": None, "paragraph": 0, "start": 0, "end": 3}).role is None
    )
