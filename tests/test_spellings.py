"""Place spellings: one id term per place in the index, any spelling finds it."""

from __future__ import annotations

from pathlib import Path

import search
from search.articles import Place
from search.engine import index as whoosh_index
from search.engine import query
from search.spellings import FIELD, expand, keys_of, load, location_text


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def _index(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    _write(
        seeds,
        "strike.txt",
        "Missiles hit Kryvyi Rih\n\nRussian missiles struck Kryvyi Rih overnight, "
        "the regional governor said. Repairs began in the morning.\n",
    )
    _write(
        seeds,
        "market.txt",
        "Grain prices steady\n\nTraders in Kharkiv said grain prices were steady "
        "through the week after the harvest.\n",
    )
    index_dir = tmp_path / "ix"
    search.build_index(seeds, index_dir, workers=0)
    return index_dir


def test_every_spelling_of_a_place_finds_the_articles_that_use_another(tmp_path: Path) -> None:
    with search.open_index(_index(tmp_path)) as ix:
        for spelling in (
            "Krivoy Rog",
            '"Krivoy Rog"',
            "Kryvyi Rih",
            "locations:kharkov",
            "Charkow",
        ):
            found = {hit.id for hit in ix.search(spelling).hits}
            assert found == {"market.txt" if "har" in spelling.lower() else "strike.txt"}, spelling


def test_a_spelling_still_needs_the_rest_of_the_query(tmp_path: Path) -> None:
    with search.open_index(_index(tmp_path)) as ix:
        assert ix.search("Krivoy Rog grain").total == 0
        assert [h.id for h in ix.search("Kharkov grain").hits] == ["market.txt"]


def test_alternate_spellings_are_not_written_into_each_article(tmp_path: Path) -> None:
    index_dir = _index(tmp_path)
    with whoosh_index.open_dir(str(index_dir)).reader() as reader:
        terms = {term.decode() for term in reader.lexicon(FIELD)}
    assert terms == {"geo703845", "geo706483"}  # one term per place, not 70 spellings
    spellings = load(index_dir)
    assert spellings["krivoy rog"] == ["geo703845"]
    assert spellings["kryvyi rih"] == ["geo703845"]


def test_an_unchanged_run_leaves_the_map_alone_and_a_rebuild_starts_it_afresh(
    tmp_path: Path,
) -> None:
    index_dir = _index(tmp_path)
    path = index_dir / "spellings.json"
    before = path.stat().st_mtime_ns
    search.build_index(tmp_path / "seeds", index_dir, workers=0)
    assert path.stat().st_mtime_ns == before
    (tmp_path / "seeds" / "market.txt").unlink()
    search.build_index(tmp_path / "seeds", index_dir, workers=0, rebuild=True)
    assert "kharkov" not in load(index_dir)


def test_expansion_keeps_a_word_searched_in_several_fields_an_or_of_terms() -> None:
    word = query.Or([query.Term("body", "kiev"), query.Term(FIELD, "kiev")])
    expanded = expand(query.And([word, query.Term("body", "rally")]), {"kiev": ["geo703448"]})
    first = expanded.subqueries[0]
    assert isinstance(first, query.Or)
    assert all(type(sub) is query.Term for sub in first.subqueries)
    assert query.Term(FIELD, "geo703448") in first.subqueries


def test_a_query_without_place_words_is_returned_as_it_was() -> None:
    q = query.And([query.Term("body", "grain"), query.Term("body", "prices")])
    assert expand(q, {"kiev": ["geo703448"]}) is q


def test_indexing_one_new_article_keeps_the_other_articles_spellings(tmp_path: Path) -> None:
    index_dir = _index(tmp_path)
    (tmp_path / "seeds" / "strike-2.txt").write_text(
        "Missiles hit Kryvyi Rih\n\nMissiles struck Kryvyi Rih again, the governor said.\n"
    )
    search.build_index(tmp_path / "seeds", index_dir, workers=0, only=["strike-2.txt"])
    assert load(index_dir)["kharkov"] == ["geo706483"]
    with search.open_index(index_dir) as ix:
        assert [h.id for h in ix.search("Kharkov").hits] == ["market.txt"]


def test_a_region_known_by_its_city_names_is_found_under_them(tmp_path: Path) -> None:
    region = Place("Kharkiv Oblast", "Kharkiv Oblast", "region", "UA", alternate_names=("Kharkov",))
    ((term, keys),) = keys_of([region])
    assert term == "geo_kharkiv_oblast" and "kharkov" in keys
    assert location_text([region]) == term
