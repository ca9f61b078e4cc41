import sqlite3

import pytest
import sqlite_utils

from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour


def _article(**changes) -> Article:
    fields = {
        "url": "https://football365.com/news/haaland",
        "text": "Haaland would be delighted to join Real Madrid.",
        "title": "Haaland to Madrid",
        "outlet": "Football365",
        "published": "2026-02-04",
        "rumours": [Rumour(subject="Erling Haaland", from_club="Manchester City", to_club="Real Madrid")],
    }
    return Article(**(fields | changes))


def test_new_database_has_schema_wal_and_version(tmp_path):
    db = store.open_db(tmp_path / "sub" / "r.db")
    assert {"articles", "rumours", "crawl_runs"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert db["articles"].pks == ["url"]
    rumour_fks = {fk.column: fk.other_table for fk in db["rumours"].foreign_keys}
    assert rumour_fks == {"article_url": "articles", "story_id": "stories"}
    article_fks = {fk.column: fk.other_table for fk in db["articles"].foreign_keys}
    assert article_fks == {"duplicate_of": "articles", "outlet": "outlets"}
    assert {"articles_fts", "rumours_fts", "stories", "people", "clubs", "outlets"} <= set(db.table_names())


def test_saving_twice_updates_in_place_and_replaces_rumours(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    assert store.save_article(db, _article()).is_new is True
    first_fetched = db["articles"].get("https://football365.com/news/haaland")["first_fetched"]
    revised = _article(
        title="Haaland agrees Madrid move",
        rumours=[
            Rumour(subject="Erling Haaland", to_club="Real Madrid", stage="agreed", extra={"add_ons": "€20m"}),
            Rumour(subject="Kylian Mbappe", to_club=None, kind="stay"),
        ],
    )
    assert store.save_article(db, revised).is_new is False
    assert db["articles"].count == 1
    row = db["articles"].get("https://football365.com/news/haaland")
    assert row["title"] == "Haaland agrees Madrid move"
    assert row["first_fetched"] == first_fetched
    assert row["rumour_count"] == 2
    rumours = list(db.query("SELECT subject, stage, extra, outlet FROM rumours ORDER BY position"))
    assert [(r["subject"], r["stage"]) for r in rumours] == [
        ("Erling Haaland", "agreed"),
        ("Kylian Mbappe", "speculation"),
    ]
    assert rumours[0]["extra"] == '{"add_ons": "€20m"}'
    assert rumours[0]["outlet"] == "Football365"


def test_rumour_rows_need_their_article(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    with pytest.raises(sqlite3.IntegrityError):
        db["rumours"].insert({"article_url": "https://nowhere.example/x", "subject": "Nobody"})


def test_stored_articles_know_fetched_and_canonical_urls(tmp_path):
    path = tmp_path / "r.db"
    assert store.stored_articles(path) == {}
    db = store.open_db(path)
    store.save_article(db, _article(fetched_url="http://127.0.0.1:9/news/haaland.html"))
    last_fetched = db["articles"].get("https://football365.com/news/haaland")["last_fetched"]
    db.close()
    assert store.stored_articles(path) == {
        "https://football365.com/news/haaland": last_fetched,
        "http://127.0.0.1:9/news/haaland.html": last_fetched,
    }


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "r.db"
    store.open_db(path).execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer rumourcrawl"):
        store.open_db(path)


def test_a_version_1_file_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    store._migrate_1(old)
    old.execute("PRAGMA user_version = 1")
    old["articles"].insert({"url": "https://example.com/a", "text": "kept"})
    old.close()
    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert {"feed_state", "listed_urls"} <= set(db.table_names())
    assert db["articles"].get("https://example.com/a")["text"] == "kept"


def test_feed_validators_are_kept_only_for_complete_feeds(tmp_path):
    path = tmp_path / "r.db"
    db = store.open_db(path)
    fetched = {
        "https://e.com/rss": {"modified": True, "etag": '"v1"', "last_modified": "Mon, 02 Mar 2026 08:00:00 GMT"},
        "https://e.com/sitemap.xml": {"modified": True, "etag": '"s1"', "last_modified": None},
    }
    store.save_feed_states(db, fetched)
    assert store.feed_validators(path)["https://e.com/rss"]["etag"] == '"v1"'
    # A 304 keeps the validators; an incomplete feed loses them, so the next run reads it in full.
    store.save_feed_states(db, {"https://e.com/rss": {"modified": False}}, incomplete=["https://e.com/sitemap.xml"])
    assert store.feed_validators(path) == {
        "https://e.com/rss": {"etag": '"v1"', "last_modified": "Mon, 02 Mar 2026 08:00:00 GMT"}
    }
