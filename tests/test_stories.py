"""Stories refreshed for the people a run touched give the same rows as a full rebuild."""

import random
import shutil
import sqlite3

import sqlite_utils

from conftest import DEMO_SITE, last_run_stats, run_cli
from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour
from rumourcrawl.snapshot_server import SnapshotServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]


def _text(topic: str, n: int = 120) -> str:
    """A text of its own for each topic (random words seeded by it): no two are near copies."""
    rng = random.Random(topic)
    return " ".join(f"w{rng.randrange(100_000)}" for _ in range(n))


def _save(db, url, rumours, *, text=None, published="2026-03-01", outlet="Football365"):
    article = Article(url=url, text=text or _text(url), outlet=outlet, published=published, rumours=rumours)
    return store.save_article(db, article)


def _derived(path) -> dict:
    """Everything the story refresh writes, in a comparable form."""
    db = sqlite_utils.Database(path)
    try:
        return {
            "stories": sorted(tuple(row.items()) for row in db.query("SELECT * FROM stories")),
            "people": sorted(tuple(row.items()) for row in db.query("SELECT * FROM people")),
            "clubs": sorted(tuple(row.items()) for row in db.query("SELECT * FROM clubs")),
            "links": sorted(db.execute("SELECT id, story_id FROM rumours").fetchall()),
            "story_sources": sorted(tuple(row.items()) for row in db.query("SELECT * FROM story_sources")),
            "source_stats": sorted(tuple(row.items()) for row in db.query("SELECT * FROM source_stats")),
        }
    finally:
        db.close()


def _rebuilt(path, tmp_path) -> dict:
    """The same database after a full rebuild of its stories (on a copy)."""
    copy = tmp_path / "rebuilt.db"
    for suffix in ("", "-wal", "-shm"):
        copy.with_name(copy.name + suffix).unlink(missing_ok=True)
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    db = store.open_db(copy)
    store.refresh_stories(db)
    db.close()
    return _derived(copy)


def test_each_incremental_refresh_equals_a_full_rebuild(tmp_path):
    path = tmp_path / "r.db"
    db = store.open_db(path)
    steps = [
        # One-word names, clubs in and out, a stay, a fee.
        lambda: [
            _save(
                db,
                "https://a.example/1",
                [
                    Rumour(
                        subject="Haaland",
                        from_club="Man City",
                        to_club="Real Madrid",
                        source="Marca",
                        source_tier=3,
                    )
                ],
            ),
            _save(db, "https://a.example/2", [Rumour(subject="Fernandes", to_club="Al Nassr", stage="talks")]),
            _save(
                db,
                "https://a.example/3",
                [Rumour(subject="Bukayo Saka", to_club="Arsenal", kind="stay", source="David Ornstein", source_tier=1)],
            ),
        ],
        # The full name arrives: "Haaland" merges into "Erling Haaland"; two Fernandes keep "Fernandes" apart.
        lambda: [
            _save(
                db,
                "https://b.example/1",
                [
                    Rumour(
                        subject="Erling Haaland",
                        to_club="Real Madrid",
                        stage="agreed",
                        fee="£150m",
                        source="Fabrizio Romano",
                        source_tier=1,
                    ),
                    Rumour(
                        subject="Bruno Fernandes",
                        from_club="Man Utd",
                        to_club="Al Hilal",
                        source="Marca",
                        source_tier=2,
                    ),
                ],
                outlet="BBC Sport",
            ),
            _save(db, "https://b.example/2", [Rumour(subject="Enzo Fernandes", from_club="Chelsea", to_club="PSG")]),
        ],
        # An article re-extracted with other claims: its old story goes, a club loses its last story.
        lambda: [_save(db, "https://a.example/3", [Rumour(subject="Bukayo Saka", to_club="Real Madrid")])],
        # A copy of a stored article adds nothing; a denial reopens nothing.
        lambda: [
            _save(
                db,
                "https://c.example/copy",
                [Rumour(subject="Erling Haaland", to_club="Real Madrid")],
                text=_text("https://b.example/1"),
                outlet="Copycat",
            ),
            _save(
                db,
                "https://c.example/2",
                [
                    Rumour(
                        subject="Haaland",
                        to_club="Real Madrid",
                        stage="denied",
                        source="Fabrizio Romano",
                        source_tier=1,
                    )
                ],
            ),
        ],
    ]
    store.refresh_stories(db)
    sources_seen = []
    for step in steps:
        subjects = set().union(*(result.subjects for result in step()))
        store.refresh_stories(db, subjects)
        derived = _derived(path)
        assert derived == _rebuilt(path, tmp_path)
        sources_seen.append({dict(row)["source"]: dict(row) for row in derived["source_stats"]})
    # The per-source rows moved with the stories: the sources the tests below rely on were all there.
    assert sources_seen[0].keys() == {"Marca", "David Ornstein"}
    assert sources_seen[1]["Marca"]["stories"] == 2 and sources_seen[1]["Marca"]["tier"] == 2
    assert sources_seen[1]["Fabrizio Romano"]["reached_agreed_or_done"] == 1
    assert "David Ornstein" not in sources_seen[2]  # Saka's stay, its only story, was re-extracted away
    assert sources_seen[3]["Fabrizio Romano"]["denied_or_collapsed"] == 1
    # Forgetting an article: its subjects are refreshed too.
    subjects = store.forget_article(db, "https://b.example/1")
    assert subjects == {"Erling Haaland", "Bruno Fernandes"}
    counts = store.refresh_stories(db, subjects)
    assert _derived(path) == _rebuilt(path, tmp_path)
    assert counts["stories"] == db["stories"].count and counts["clubs"] == db["clubs"].count
    # Without its full name, "Haaland" is a story of his own again.
    assert db["stories"].get("haaland-to-real-madrid")["latest_stage"] == "denied"
    # Nothing touched: nothing to do.
    assert store.refresh_stories(db, set())["stories_new"] == 0
    assert _derived(path) == _rebuilt(path, tmp_path)


def test_a_crawl_refreshes_only_what_it_touched_and_matches_a_full_rebuild(tmp_path):
    db_path = tmp_path / "rumours.db"
    with SnapshotServer(DEMO_SITE) as server:
        first = [
            "news/haaland-agrees-personal-terms-real-madrid.html",
            "news/bruno-fernandes-new-contract-man-utd.html",
        ]
        urls = [arg for page in first for arg in ("--url", server.url(page))]
        assert run_cli("crawl", *urls, "--db", str(db_path), *FAST).returncode == 0
        before = _derived(db_path)
        assert before["stories"]
        result = run_cli("crawl", "--feed", server.url("rss.xml"), "--db", str(db_path), *FAST)
    assert result.returncode == 0, result.stderr
    after = _derived(db_path)
    assert len(after["stories"]) > len(before["stories"])
    assert after == _rebuilt(db_path, tmp_path)
    run = last_run_stats(db_path)
    assert run["stories"] == len(after["stories"]) and run["stories_new"] == len(after["stories"]) - len(
        before["stories"]
    )


def test_a_full_rebuild_when_asked(tmp_path):
    db_path = tmp_path / "rumours.db"
    db = store.open_db(db_path)
    _save(db, "https://a.example/1", [Rumour(subject="Erling Haaland", to_club="Real Madrid")])
    # A story row no rumour supports (say, written by an older rumourcrawl): only a full rebuild drops it.
    store.refresh_stories(db)
    db.execute("INSERT INTO people (name) VALUES ('Nobody')")
    db.execute("INSERT INTO stories (id, subject) VALUES ('nobody-exit', 'Nobody')")
    db.conn.commit()
    db.close()
    shutil.copy(db_path, tmp_path / "keep.db")
    with SnapshotServer(DEMO_SITE) as server:
        page = ["--url", server.url("news/napoli-bid-kobbie-mainoo.html")]
        assert run_cli("crawl", *page, "--db", str(db_path), *FAST).returncode == 0
        assert sqlite_utils.Database(db_path)["stories"].get("nobody-exit")
        rebuild = run_cli("crawl", *page, "--db", str(db_path), *FAST, "-s", "RUMOURCRAWL_REBUILD_STORIES=True")
    assert rebuild.returncode == 0, rebuild.stderr
    assert "nobody-exit" not in {r["id"] for r in sqlite_utils.Database(db_path)["stories"].rows}


def test_a_story_is_made_of_the_rows_the_default_views_show(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    haaland = {"subject": "Erling Haaland", "from_club": "Manchester City", "to_club": "Real Madrid"}
    _save(db, "https://a.example/1", [Rumour(**haaland, stage="interest", confidence=0.9)], published="2026-03-02")
    # An earlier report the model doubts (hidden by default): not the story's first report, stage or fee.
    doubted = Rumour(
        **haaland, stage="done", fee_amount=150_000_000, fee_currency="EUR", source="Marca", confidence=0.31
    )
    _save(db, "https://b.example/2", [doubted], published="2026-03-01")
    _save(db, "https://c.example/3", [Rumour(subject="Kobbie Mainoo", to_club="Napoli", stage="bid", confidence=0.32)])

    def stories():
        return {row["subject"]: row for row in db.query("SELECT * FROM stories")}

    store.refresh_stories(db, min_confidence=0.35)
    shown = stories()
    assert (shown["Erling Haaland"]["furthest_stage"], shown["Erling Haaland"]["fee_range"]) == ("interest", None)
    assert (shown["Erling Haaland"]["rumours"], shown["Erling Haaland"]["first_article"]) == (1, "https://a.example/1")
    assert shown["Erling Haaland"]["confidence"] == 0.9
    assert db["story_sources"].count == 0  # Marca's only row is hidden
    # A story with no row shown is hidden (its best row is under the setting) and made of all its rows.
    assert (shown["Kobbie Mainoo"]["furthest_stage"], shown["Kobbie Mainoo"]["confidence"]) == ("bid", 0.32)
    # At a lower setting the doubted report counts.
    store.refresh_stories(db, min_confidence=0.3)
    every = stories()["Erling Haaland"]
    assert (every["furthest_stage"], every["fee_range"], every["rumours"]) == ("done", "€150m", 2)
    assert every["first_article"] == "https://b.example/2"
    assert [row["source"] for row in db["story_sources"].rows] == ["Marca"]
