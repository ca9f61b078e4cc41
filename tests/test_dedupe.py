"""Dedupe rules on their own: URL canonicalisation, copies of articles, one claim per article,
names merging into people, stages that never go backwards; and migrating a version-1 file."""

import pytest
import sqlite_utils

from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour
from rumourcrawl.extract.urls import canonical_url

STORY = "https://football365.com/news/haaland-real-madrid"


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.football365.com/news/haaland-real-madrid",
        "http://football365.com/news/haaland-real-madrid/",
        "https://WWW.Football365.com/news/haaland-real-madrid?utm_source=twitter&utm_medium=social",
        "https://m.football365.com/news/haaland-real-madrid#comments",
        "https://amp.football365.com/news/haaland-real-madrid",
        "https://www.football365.com/news/haaland-real-madrid/amp/",
        "https://www.football365.com/amp/news/haaland-real-madrid",
        "https://www.football365.com/news/haaland-real-madrid?amp&fbclid=abc",
        "https://www.football365.com:443/news//haaland-real-madrid",
    ],
)
def test_url_variants_have_one_canonical_form(variant):
    assert canonical_url(variant) == STORY


def test_canonical_url_keeps_what_identifies_a_page():
    # A query that selects the article stays (sorted); tracking parameters go.
    assert canonical_url("https://site.com/article.php?utm_campaign=x&id=42&page=2") == (
        "https://site.com/article.php?id=42&page=2"
    )
    assert canonical_url("https://site.com/news/a") != canonical_url("https://site.com/news/b")
    # Loopback test servers speak plain HTTP on their own port: left as they are.
    assert canonical_url("http://127.0.0.1:8123/news/x.html") == "http://127.0.0.1:8123/news/x.html"
    assert canonical_url("http://localhost:8000/a/") == "http://localhost:8000/a"
    assert canonical_url("") == ""
    assert canonical_url(None) is None
    assert canonical_url("mailto:desk@example.com") == "mailto:desk@example.com"


def _article(url, text, **changes):
    return Article(url=url, text=text, outlet=changes.pop("outlet", "Football365"), **changes)


LONG_TEXT = " ".join(
    f"Sentence {i} about Erling Haaland, Real Madrid and Manchester City, with detail number {i * 7}."
    for i in range(40)
)


def test_exact_and_near_copies_link_to_the_first_stored(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    haaland = [Rumour(subject="Erling Haaland", from_club="Manchester City", to_club="Real Madrid", stage="talks")]
    store.save_article(db, _article(STORY, LONG_TEXT, rumours=haaland, published="2026-03-01"))
    store.save_article(
        db,
        _article(
            "https://copy.example/a", LONG_TEXT.upper(), outlet="Copycat", rumours=haaland, published="2026-03-02"
        ),
    )
    trimmed = LONG_TEXT.rsplit(" Sentence 35", 1)[0] + " Republished with permission."
    store.save_article(
        db, _article("https://wire.example/b", trimmed, outlet="Wire", rumours=haaland, published="2026-03-02")
    )
    other = " ".join(f"Bukayo Saka signs a new Arsenal contract, clause {i}." for i in range(60))
    store.save_article(db, _article("https://other.example/c", other, outlet="Other", published="2026-03-02"))
    articles = {r["url"]: r for r in db["articles"].rows}
    assert articles["https://copy.example/a"]["duplicate_of"] == STORY
    assert articles["https://copy.example/a"]["similarity"] == 1.0
    assert articles["https://wire.example/b"]["duplicate_of"] == STORY
    assert 0.7 <= articles["https://wire.example/b"]["similarity"] < 1.0
    assert articles["https://other.example/c"]["duplicate_of"] is None
    assert articles[STORY]["duplicate_of"] is None
    # Copies carry no rumours, so the story has one article and one outlet.
    store.refresh_stories(db)
    story = db["stories"].get("erling-haaland-to-real-madrid")
    assert (story["articles"], story["outlets"], story["rumours"]) == (1, 1, 1)
    # Re-saving the original never makes it a copy of its own copies.
    store.save_article(db, _article(STORY, LONG_TEXT, rumours=haaland, published="2026-03-01"))
    assert db["articles"].get(STORY)["duplicate_of"] is None
    assert db["articles"].count == 4


def test_a_claim_repeated_in_one_article_is_one_row_but_a_denial_stays(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    rumours = [
        Rumour(subject="Erling Haaland", to_club="Real Madrid", stage="interest", evidence="Madrid want Haaland."),
        Rumour(
            subject="Erling Haaland",
            to_club="Real Madrid",
            stage="talks",
            source="Fabrizio Romano",
            source_tier=1,
            evidence="Talks are under way, says Romano.",
        ),
        Rumour(subject="Erling Haaland", to_club="Real Madrid", stage="denied", source="Manchester City"),
        Rumour(subject="Erling Haaland", to_club="Man City", kind="stay", stage="done"),
    ]
    store.save_article(db, _article(STORY, LONG_TEXT, rumours=rumours))
    rows = list(db.query("SELECT stage, source, source_tier, evidence, to_club FROM rumours ORDER BY position"))
    assert [(r["stage"], r["to_club"]) for r in rows] == [
        ("talks", "Real Madrid"),
        ("denied", "Real Madrid"),
        ("done", "Manchester City"),  # club names canonicalised on the way in
    ]
    # The furthest report wins with its own words and source: stage and evidence always match.
    assert rows[0]["evidence"] == "Talks are under way, says Romano." and rows[0]["source"] == "Fabrizio Romano"
    assert db["articles"].get(STORY)["rumour_count"] == 3  # the rows stored


def test_names_merge_into_the_one_full_name_ending_in_them():
    keys = store._story_person_keys(["Haaland", "Erling Haaland", "Fernandes", "Bruno Fernandes", "Enzo Fernandes"])
    assert keys[("haaland",)] == ("erling", "haaland")
    assert keys[("fernandes",)] == ("fernandes",)  # two full names end in it: left alone
    assert keys[("bruno", "fernandes")] != keys[("enzo", "fernandes")]


def test_stories_merge_aliases_across_articles(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    texts = iter(f"Article {n}: " + " ".join(f"word{n}x{i}" for i in range(80)) for n in range(10))
    store.save_article(
        db,
        _article(
            "https://a.example/1",
            next(texts),
            outlet="A",
            published="2026-03-01",
            rumours=[Rumour(subject="Haaland", from_club="Man City", to_club="Los Blancos", stage="interest")],
        ),
    )
    store.save_article(
        db,
        _article(
            "https://b.example/2",
            next(texts),
            outlet="B",
            published="2026-03-05",
            rumours=[Rumour(subject="Erling Haaland", from_club="Manchester City", to_club="Real Madrid", stage="bid")],
        ),
    )
    store.refresh_stories(db)
    assert [s["id"] for s in db["stories"].rows] == ["erling-haaland-to-real-madrid"]
    story = db["stories"].get("erling-haaland-to-real-madrid")
    assert story["subject"] == "Erling Haaland" and story["from_club"] == "Manchester City"
    assert (story["articles"], story["outlets"], story["latest_stage"]) == (2, 2, "bid")
    assert story["first_outlet"] == "A"
    assert {p["name"] for p in db["people"].rows} == {"Erling Haaland"}
    clubs = {c["name"]: c for c in db["clubs"].rows}
    assert clubs["Real Madrid"]["stories_in"] == 1 and clubs["Manchester City"]["stories_out"] == 1


@pytest.mark.parametrize(
    ("reports", "latest"),
    [
        (["speculation", "talks", "interest"], "talks"),  # never backwards
        (["talks", "denied"], "denied"),  # a later denial counts
        (["agreed", "done", "denied", "collapsed", "interest"], "done"),  # done is never overturned
        (["bid", "collapsed", "talks"], "talks"),  # a later report reopens a collapsed story
        (["denied", "speculation"], "speculation"),
    ],
)
def test_a_story_stage_never_goes_backwards(reports, latest):
    stage = None
    for reported in reports:
        stage = store.next_stage(stage, reported)
    assert stage == latest


def test_version_1_file_is_migrated_without_losing_rows(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    store._migrate_1(old)
    www = "https://www.football365.com/news/haaland-real-madrid/?utm_source=rss"  # as version 1 stored it
    old["articles"].insert({"url": www, "text": LONG_TEXT, "outlet": "Football365", "first_fetched": "2026-03-01"})
    old["rumours"].insert({"article_url": www, "subject": "Erling Haaland", "to_club": "Real Madrid"})
    old.execute("PRAGMA user_version = 1")
    old.close()

    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert db["articles"].get(STORY)["text"] == LONG_TEXT
    assert [r["article_url"] for r in db["rumours"].rows] == [STORY]
    assert db["outlets"].get("Football365")["tier"] == 3  # from the sources gazetteer
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    hits = list(db["articles"].search("Haaland"))
    assert [h["url"] for h in hits] == [STORY]


def test_minhash_estimates_shingle_overlap():
    text = LONG_TEXT
    near = text.rsplit(" Sentence 35", 1)[0] + " Republished with permission."
    other = " ".join(f"Bukayo Saka signs a new Arsenal contract, clause {i}." for i in range(60))
    signature = store.minhash(store.shingles(text))
    assert store.minhash_similarity(signature, store.minhash(store.shingles(text))) == 1.0
    exact = store.jaccard(store.shingles(text), store.shingles(near))
    estimate = store.minhash_similarity(signature, store.minhash(store.shingles(near)))
    assert abs(estimate - exact) <= store.MINHASH_MARGIN
    assert store.minhash_similarity(signature, store.minhash(store.shingles(other))) < 0.2


def _reference_minhash(shingle_set):
    """The signature as the pure-Python formula defines it (what schema-4 files store)."""
    import hashlib
    from array import array

    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingle_set]
    if not hashes:
        return array("Q", [0] * store.MINHASH_PERMUTATIONS).tobytes()
    prime = (1 << 61) - 1
    permutations = [
        (
            int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=7).digest(), "little") | 1,
            int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=7).digest(), "little"),
        )
        for i in range(store.MINHASH_PERMUTATIONS)
    ]
    return array("Q", [min((a * h + b) % prime for h in hashes) for a, b in permutations]).tobytes()


@pytest.mark.parametrize("size", [0, 1, 2, 7, 300])
def test_minhash_gives_the_bytes_of_the_reference_formula(size):
    import random

    rng = random.Random(size)
    for _ in range(10):
        shingle_set = {" ".join(str(rng.getrandbits(40)) for _ in range(5)) for _ in range(size)}
        assert store.minhash(shingle_set) == _reference_minhash(shingle_set)


def _filler(i: int) -> str:
    """A distinct text as long as LONG_TEXT in characters (what the length filter compares), in few
    (long) words so that 5,000 of them are quick to store, sharing no 5 words in a row with it."""
    words = [f"filler{i}x{j}" + "abcdefghij" * 5 for j in range(60)]
    return " ".join(words)[: len(LONG_TEXT)]


def test_an_original_beyond_5000_later_articles_and_two_years_old_is_found(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    haaland = [Rumour(subject="Erling Haaland", from_club="Manchester City", to_club="Real Madrid", stage="talks")]
    store.save_article(db, _article(STORY, LONG_TEXT, rumours=haaland, published="2024-03-01"))
    # 5,001 later articles of a similar length: the old search read only the 5,000 latest (and only
    # those published within a week of the copy).
    batch = store.WriteBatch(db, items=1000, seconds=3600)
    for i in range(5001):
        batch.begin()
        store.save_article(db, _article(f"https://filler.example/{i}", _filler(i), published="2026-03-01"))
        batch.wrote()
        if batch.due():
            batch.commit()
    batch.commit()
    trimmed = LONG_TEXT.rsplit(" Sentence 35", 1)[0] + " Republished two years later."
    result = store.save_article(db, _article("https://wire.example/late", trimmed, published="2026-03-02"))
    row = db["articles"].get("https://wire.example/late")
    assert result.is_copy and row["duplicate_of"] == STORY and row["similarity"] >= 0.7
    assert db["articles"].count == 5003
    assert db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0] == 1


def test_the_near_duplicate_lookup_reads_the_band_index_not_the_articles(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    for i in range(20):
        store.save_article(db, _article(f"https://filler.example/{i}", _filler(i)))
    sql = []
    db.conn.set_trace_callback(sql.append)
    store.save_article(db, _article(STORY, LONG_TEXT))
    db.conn.set_trace_callback(None)
    (lookup,) = [s for s in sql if "minhash_bands" in s and s.lstrip().upper().startswith("SELECT")]
    plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + lookup).fetchall())
    assert "SEARCH minhash_bands USING PRIMARY KEY" in plan
    assert "SCAN a" not in plan and "SCAN articles" not in plan and "SCAN d" not in plan, plan
    # 21 band keys per article, each article one id.
    assert db.execute("SELECT count(*) FROM minhash_docs").fetchone()[0] == 21
    assert db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == 21 * store.LSH_BANDS


def test_the_index_follows_moves_updates_and_deletions(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    store.save_article(db, _article(STORY, LONG_TEXT))
    other = " ".join(f"Bukayo Saka signs a new Arsenal contract, clause {i}." for i in range(60))
    store.save_article(db, _article(STORY, other))  # the same URL, a new text: its bands are replaced
    assert db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == store.LSH_BANDS
    copy = store.save_article(db, _article("https://copy.example/saka", other + " Copied."))
    assert copy.is_copy
    store.forget_article(db, STORY)
    assert db.execute("SELECT count(*) FROM minhash_docs WHERE url = ?", [STORY]).fetchone()[0] == 0
    # The copy is an original now (its original is gone), and a new copy of the text finds it.
    again = store.save_article(db, _article("https://again.example/saka", other + " Again."))
    assert (
        again.is_copy
        and db["articles"].get("https://again.example/saka")["duplicate_of"] == "https://copy.example/saka"
    )
    docs = {u for (u,) in db.execute("SELECT url FROM minhash_docs")}
    assert docs == {r["url"] for r in db["articles"].rows}


def test_a_schema_4_file_gets_its_index_built_from_the_stored_signatures(tmp_path):
    path = tmp_path / "v4.db"
    old = sqlite_utils.Database(path)
    for version in (1, 2, 3, 4):
        store.MIGRATIONS[version](old)
    old.execute("PRAGMA user_version = 4")
    texts = {f"https://filler.example/{i}": _filler(i) for i in range(30)}
    texts[STORY] = LONG_TEXT
    for i, (url, text) in enumerate(texts.items()):
        old["articles"].insert(
            {
                "url": url,
                "text": text,
                "first_fetched": f"2025-01-01T00:00:{i:02d}+00:00",
                # as schema 4 stored it; a file first written by version 1 has none
                "minhash": None if url.endswith("/7") else _reference_minhash(store.shingles(text)),
            }
        )
    old.close()

    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 7
    assert db.execute("SELECT count(*) FROM minhash_docs").fetchone()[0] == len(texts)
    assert db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == len(texts) * store.LSH_BANDS
    assert db["articles"].get("https://filler.example/7")["minhash"] == store.minhash(store.shingles(_filler(7)))
    trimmed = LONG_TEXT.rsplit(" Sentence 35", 1)[0] + " Republished."
    assert store.save_article(db, _article("https://wire.example/b", trimmed)).is_copy
    assert db["articles"].get("https://wire.example/b")["duplicate_of"] == STORY
    near_7 = _filler(7)[: len(_filler(7)) * 9 // 10]
    store.save_article(db, _article("https://wire.example/c", near_7))
    assert db["articles"].get("https://wire.example/c")["duplicate_of"] == "https://filler.example/7"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
