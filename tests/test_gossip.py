"""Gossip columns: one rumour row per item, with the item's own source and that source's tier;
pages not in English are stored with their language and get no rumour rows."""

import json

import pytest
import sqlite_utils

from conftest import FIXTURES, last_run_stats, run_cli
from rumourcrawl.extract import article_from_text, extract_article
from rumourcrawl.extract.gossip import article_rumours, split_item, split_roundup
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.sites import all_sites

GOSSIP_PAGE = FIXTURES / "pages" / "handmade_bbc_gossip.html"
GOSSIP_URL = "https://www.bbc.co.uk/sport/football/articles/cx2g0551p7go"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=0"]


@pytest.mark.parametrize(
    ("line", "claim", "sources"),
    [
        ("Real Madrid want Haaland. (Marca - in Spanish), external", "Real Madrid want Haaland.", ["Marca"]),
        ("Arsenal eye Thiago. (Sun)", "Arsenal eye Thiago.", ["Sun"]),
        ("Spurs want Wharton. (Telegraph - subscription required)", "Spurs want Wharton.", ["Telegraph"]),
        ("Liverpool like Huijsen. (Fichajes - in Spanish), external (Mirror), external", None, ["Fichajes", "Mirror"]),
        ("Real Madrid want Haaland - Marca", "Real Madrid want Haaland", ["Marca"]),
        ("Chelsea have bid £40m for Osimhen. – Sky Sports", "Chelsea have bid £40m for Osimhen.", ["Sky Sports"]),
        (
            "Newcastle have agreed terms with Mitoma. Daily Mail",
            "Newcastle have agreed terms with Mitoma.",
            ["Daily Mail"],
        ),
    ],
)
def test_an_item_and_its_trailing_source(line, claim, sources):
    item = split_item(line)
    assert item is not None and item.sources == sources
    if claim:
        assert item.text == claim


@pytest.mark.parametrize(
    "line",
    [
        "Haaland, who joined City from Dortmund (in 2022), has scored 100 goals.",
        "The striker is valued at about £100m (€115m).",
        "Arteta said the club were calm about it - and nothing more.",
        "Slot was asked about the striker at his news conference. Liverpool",
    ],
)
def test_a_sentence_that_ends_in_brackets_or_a_word_is_not_an_item(line):
    assert split_item(line) is None


def test_an_ordinary_article_quoting_a_source_once_is_not_a_round_up():
    text = "\n".join(
        [
            "Arsenal have made contact with Brentford over a move for striker Igor Thiago, reports say.",
            "The Gunners want a new forward before the window shuts, according to the Sun (Sun).",
            "Mikel Arteta said on Friday that the club were looking at several options in attack.",
            "Brentford value the striker at about £60m and want to keep him until the summer.",
        ]
    )
    assert split_roundup(text, "Arsenal contact Brentford over Thiago") is None


def test_bbc_gossip_column_gives_one_row_per_item_with_its_source_and_tier():
    article = extract_article(GOSSIP_PAGE.read_bytes(), GOSSIP_URL, rules=all_sites()["bbc_sport"].cleaning)
    by_subject = {r.subject: r for r in article.rumours}
    expected = {
        "Erling Haaland": ("Real Madrid", "Marca", 3),
        "Igor Thiago": ("Arsenal", "The Sun", 3),
        "Victor Osimhen": ("Chelsea", "Daily Mail", 3),
        "Jarrad Branthwaite": ("Manchester United", "The Telegraph", 2),
        "Dean Huijsen": ("Liverpool", "Fichajes", None),  # not in sources.tsv: no tier, never BBC's
        "Kaoru Mitoma": ("Newcastle United", "Sky Sports", 2),
    }
    assert set(by_subject) == set(expected)
    for subject, (to_club, source, tier) in expected.items():
        rumour = by_subject[subject]
        assert (rumour.to_club, rumour.source, rumour.source_tier) == (to_club, source, tier), subject
    assert by_subject["Dean Huijsen"].extra["sources"] == ["Fichajes", "Mirror"]
    # Each row's evidence comes from its own item, not from the next one.
    assert "Haaland" in by_subject["Erling Haaland"].evidence and "Thiago" not in by_subject["Erling Haaland"].evidence


def test_round_up_as_plain_text():
    text = "\n".join(
        [
            "Saturday's gossip",
            "Real Madrid are preparing a summer bid for Manchester City striker Erling Haaland - Marca",
            "Arsenal have made contact with Brentford over a move for striker Igor Thiago (Sun)",
            "Chelsea are in talks with Napoli about signing Nigeria striker Victor Osimhen. Daily Mail",
        ]
    )
    sources = {r.subject: (r.source, r.source_tier) for r in article_from_text(text).rumours}
    assert sources == {
        "Erling Haaland": ("Marca", 3),
        "Igor Thiago": ("The Sun", 3),
        "Victor Osimhen": ("Daily Mail", 3),
    }


def test_non_english_pages_get_no_rumour_rows():
    text = "Real Madrid are preparing a summer bid for Manchester City striker Erling Haaland, reports say."
    assert article_rumours(text, language="en")
    assert article_rumours(text, language="de") == []
    page = FIXTURES / "pages" / "fundus_de_Kicker_2024_04_26.html"
    article = extract_article(page.read_bytes(), "https://www.kicker.de/interimstrainer-1019241/artikel")
    assert article.language == "de" and article.rumours == []


def test_crawl_stores_gossip_rows_and_non_english_pages_without_rumours(fixture_server, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli(
        "crawl",
        "--feed",
        fixture_server.url("feeds/german.atom"),
        "--url",
        fixture_server.url("pages/handmade_bbc_gossip.html"),
        "--db",
        str(db),
        *FAST,
    )
    assert result.returncode == 0, result.stderr
    database = sqlite_utils.Database(db)
    languages = {row["url"]: row["language"] for row in database["articles"].rows}
    german = [url for url, language in languages.items() if language == "de"]
    assert len(german) == 3
    rows = list(database.query("SELECT article_url, subject, source, source_tier, extra FROM rumours"))
    assert not [r for r in rows if r["article_url"] in german]
    assert last_run_stats(db)["stats"]["rumourcrawl/rumours_skipped/language_de"] == 3
    stored_url = canonical_url(GOSSIP_URL)
    gossip = {r["subject"]: (r["source"], r["source_tier"]) for r in rows if r["article_url"] == stored_url}
    assert gossip["Erling Haaland"] == ("Marca", 3) and gossip["Dean Huijsen"] == ("Fichajes", None)
    assert len(gossip) == 6
    assert json.loads(next(r["extra"] for r in rows if r["subject"] == "Dean Huijsen"))["sources"] == [
        "Fichajes",
        "Mirror",
    ]
