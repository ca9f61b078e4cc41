from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rumourcrawl.extract.fees import parse_fee
from rumourcrawl.extract.gazetteer import GAZETTEER_DIR, load_gazetteer

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("Man City", "Manchester City"),
        ("Los Blancos", "Real Madrid"),
        ("Spurs", "Tottenham Hotspur"),
        ("the Gunners", "Arsenal"),
        ("Arsenal FC", "Arsenal"),
        ("the Old Lady", "Juventus"),
        ("the Bhoys", "Celtic"),
        ("the Gers", "Rangers"),
        ("the Toffees", "Everton"),
        ("Red Devils", "Manchester United"),
        ("Bayern München", "Bayern Munich"),
        ("PSG", "Paris Saint-Germain"),
        ("Goodison Park", "Everton"),
    ],
)
def test_club_canonicalisation(alias, canonical):
    assert load_gazetteer().canonical_club(alias) == canonical


def test_unknown_names_are_not_clubs():
    gazetteer = load_gazetteer()
    assert gazetteer.canonical_club("Erling Haaland") is None
    assert gazetteer.canonical_club("") is None


def test_find_clubs_uses_longest_alias_and_ignores_lowercase_words():
    mentions = load_gazetteer().find_clubs("Man City and Real Madrid want him; the city is real.")
    assert [m.canonical for m in mentions] == ["Manchester City", "Real Madrid"]


def test_a_person_named_like_two_clubs_is_not_two_clubs():
    # "Arda" and "Turan" are each the short name of a club (Arda Kardzhali, Turan Tovuz).
    gazetteer = load_gazetteer()
    assert gazetteer.canonical_club("Arda") and gazetteer.canonical_club("Turan")
    mentions = gazetteer.find_clubs("Arda Turan joined Barcelona from Atletico.")
    assert [m.canonical for m in mentions] == ["Barcelona", "Atletico Madrid"]


def test_bare_city_names_are_places_and_their_clubs_keep_their_full_names():
    # Real sentences: "flying to Munich for his medical", "Paris labour court set to decide Mbappe - PSG dispute".
    g = load_gazetteer()
    for sentence in (
        "He flew to Munich for his medical.",
        "Paris labour court set to decide the dispute.",
        "He played in Berlin and New York before that.",
    ):
        assert g.find_clubs(sentence) == [], sentence
    found = g.find_clubs("Bayern Munich, 1860 Munich, Paris FC, York City and New York City FC.")
    assert [c.canonical for c in found] == ["Bayern Munich", "Munich", "Paris", "York City", "New York City"]
    assert g.canonical_club("Reading") == "Reading"  # an English club's own bare name still stands


def test_half_of_a_double_barrelled_name_is_no_club():
    g = load_gazetteer()
    # From a real article (news050): "Junior" was Junior de Barranquilla and the name cut to "Samuel Iling".
    found = g.find_clubs("Middlesbrough signed Aston Villa winger Samuel Iling-Junior on loan.")
    assert [c.canonical for c in found] == ["Middlesbrough", "Aston Villa"]
    # A club after "ex-" or after another club stays a club.
    assert [c.canonical for c in g.find_clubs("Ex-Chelsea striker")] == ["Chelsea"]
    assert [c.canonical for c in g.find_clubs("the Brighton-Chelsea game")] == ["Brighton & Hove Albion", "Chelsea"]


def test_press_spellings_of_clubs():
    g = load_gazetteer()
    # As real posts and articles spell them ("Al-Saad insists on new deal", "Eintracht approaches").
    for text, club in (("Al-Saad", "Al-Sadd"), ("Eintracht", "Eintracht Frankfurt"), ("Nuremberg", "1. FC Nürnberg")):
        assert [c.canonical for c in g.find_clubs(f"He talked to {text} today.")] == [club], text
    # A club founded after the openfootball snapshot, as a real post names it (mp162).
    post = "San Diego FC and Trabzonspor are both showing interest in Shakhtar Donetsk’s Oleksandr Zubkov."
    assert [c.canonical for c in g.find_clubs(post)] == ["San Diego FC", "Trabzonspor", "Shakhtar Donetsk"]


def test_club_codes_and_the_day_wednesday():
    g = load_gazetteer()

    def clubs(text):
        return [c.canonical for c in g.find_clubs(text)]

    # Real posts: "new deal at #AFC until June 2027" (mp006) is Arsenal, not Amsterdamsche FC.
    assert clubs("set to sign new deal at #AFC until June 2027") == ["Arsenal"]
    assert clubs("the AFC Champions League") == []
    assert clubs("now can be considered #CFC player") == ["Chelsea"]
    # "will land in Roma today (on Wednesday)" (mp048) is a day; "unfinished business with Wednesday, who
    # are fourth" (bbc-sport-126) the club.
    assert clubs("will land in Roma today (on Wednesday) in order to undergo medical") == ["Roma"]
    assert clubs("ahead of Wednesday's game") == []
    assert clubs("unfinished business with Wednesday, who are fourth") == ["Sheffield Wednesday"]


def test_nickname_file_points_at_known_clubs():
    gazetteer = load_gazetteer()
    for line in (GAZETTEER_DIR / "nicknames.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert line.split("\t")[1] in gazetteer.club_country, line


def test_sources_have_tiers():
    gazetteer = load_gazetteer()
    assert gazetteer.source("Fabrizio Romano").tier == 1
    assert gazetteer.source("The Athletic").tier == 1
    assert gazetteer.source("the Sun").tier == 3
    assert gazetteer.source("reports in Spain").tier == 4


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("£8m", 8_000_000, "GBP"),
        ("€30 million", 30_000_000, "EUR"),
        ("£150,000", 150_000, "GBP"),
        ("£3.5m", 3_500_000, "GBP"),
        ("$12.5m", 12_500_000, "USD"),
        ("40 million euros", 40_000_000, "EUR"),
        ("£500k", 500_000, "GBP"),
        ("whatever amount is required", None, None),
        (None, None, None),
    ],
)
def test_fee_normalisation(text, amount, currency):
    assert parse_fee(text) == (amount, currency)


def test_build_script_regenerates_the_club_file(tmp_path):
    source = Path("/work/shared/gazetteers/openfootball-clubs")
    if not source.is_dir():
        pytest.skip("shared openfootball folder not available")
    out = tmp_path / "clubs.tsv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), str(source), str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8") == (GAZETTEER_DIR / "clubs.tsv").read_text(encoding="utf-8")
