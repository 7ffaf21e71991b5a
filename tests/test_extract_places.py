"""Place rules for unseen news (issue 8): evidence, priors and the story's countries."""

from __future__ import annotations

import gc

import pytest

from search.extract.gazetteer import _collector_paused
from search.extract.places import find_places


def _found(*paragraphs: str, headline: str = "") -> list[tuple[str, str | None]]:
    return [(p.name, p.country) for p in find_places(headline, list(paragraphs))]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # Ukrainian places in their common spellings, with country UA.
        (["Talks in Kiev and Kharkov resumed."], [("Kiev", "UA"), ("Kharkov", "UA")]),
        (["Fighting in the Donbass went on."], [("Donbass", "UA")]),
        (["The shelling of Lugansk continued."], [("Lugansk", "UA")]),
        (["Troops withdrew from Kharkiv Oblast."], [("Kharkiv Oblast", "UA")]),
        (
            ["Separatists hold Ukraine's Russian-speaking Donbas."],
            [("Ukraine", "UA"), ("Donbas", "UA")],
        ),
        # A list shares its preposition.
        (
            ["Russia annexed parts of Donetsk, Luhansk, Kherson and Zaporizhzhia."],
            [
                ("Russia", "RU"),
                ("Donetsk", "UA"),
                ("Luhansk", "UA"),
                ("Kherson", "UA"),
                ("Zaporizhzhia", "UA"),
            ],
        ),
        # A place after one participle or position word: "in nearby Bucha".
        (["Bodies were found in nearby Bucha."], [("Bucha", "UA")]),
        # Compass words are not places.
        (["The West must act, and the East is watching."], []),
        # Abbreviations with stops are places, and a lost space splits words.
        (["The U.S. Treasury said so."], [("U.S.", "US")]),
        (["A hospital near Kiev.The troops left."], [("Kiev", "UA")]),
        # Famous places and landmarks over alternate names of far-away towns.
        (["Officials at the White House said no."], [("White House", "US")]),
        (["The crowd at Twickenham sang."], []),
        (["Sales on iTunes rose."], []),
    ],
)
def test_place_rules(paragraphs: list[str], expected: list[tuple[str, str | None]]) -> None:
    assert _found(*paragraphs) == expected


def test_capitalised_dateline_is_a_place() -> None:
    assert ("LONDON", "GB") in _found("LONDON 1996-08-30", "Shares fell on Friday.")


def test_story_country_pulls_an_ambiguous_name() -> None:
    story = ["Russia shelled Kyiv and Kharkiv.", "The port of Odessa was hit."]
    assert ("Odessa", "UA") in _found(*story)


def test_names_without_doubt_pull_the_ambiguous_ones() -> None:
    # London is London, England (far bigger than London, Ontario): its country
    # then makes Essex the English county, not the town in Vermont.
    assert ("Essex", "GB") in _found("Police in London and Essex made arrests.")


def test_a_region_named_after_a_city_is_found_under_the_city_names() -> None:
    [oblast] = find_places("", ["Troops left Kharkiv Oblast."])
    assert "Kharkov" in oblast.alternate_names


def test_capital_city_beats_a_homonym_without_context() -> None:
    assert _found("Talks opened in Dublin.") == [("Dublin", "IE")]


def test_gazetteer_build_leaves_garbage_collection_as_it_was() -> None:
    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_an_old_spelling_of_the_story_city_beats_a_namesake_called_so() -> None:
    # Odessa, Texas is called so; Odesa, Ukraine is spelt so only the old way, and is
    # the story's: the spelling counts as its name.
    story = [
        "America and officials in Washington pledged arms.",
        "Russia shelled Kherson, Donetsk and Luhansk.",
        "The aim is to prevent the occupation of Odessa.",
    ]
    assert ("Odessa", "UA") in _found(*story)


def test_rivals_in_one_country_leave_no_doubt_about_it() -> None:
    # Liverpool the city and the borough are both English: that makes the story
    # English, and Newcastle then Newcastle upon Tyne, not New South Wales.
    found = _found("They lost at Liverpool on Sunday and play at Newcastle next.")
    assert ("Newcastle", "GB") in found


def test_another_name_that_only_shares_letters_is_no_spelling() -> None:
    assert _found("They face a trip to Charlton in the cup.") == []
