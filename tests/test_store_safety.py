"""The store under pressure: a second writer, wrong canonical URLs, charsets and dates on re-extraction,
and counts that equal the rows stored."""

import sqlite3
import threading

import pytest
import sqlite_utils

from conftest import FIXTURES, last_run_stats, run_cli
from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.snapshot_server import SnapshotServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]
URL = "https://football365.com/news/haaland"
TEXT = " ".join(
    f"Sentence {i} about Erling Haaland, Real Madrid and Manchester City, with detail number {i * 7}."
    for i in range(40)
)
SUN_URL = "https://www.thesun.co.uk/sport/12603994/phil-foden-girlfriend-rebecca-cooke/"
STANDARD_URL = (
    "https://www.standard.co.uk/sport/football/chelsea-fc-vs-tottenham-analysis-premier-league-2024-b1155186.html"
)
OTHER_TEXT = " ".join(f"Bukayo Saka signs a new Arsenal contract, clause {i} of the deal." for i in range(60))


def _article(**changes) -> Article:
    fields = {
        "url": URL,
        "fetched_url": "https://football365.com/news/haaland",
        "text": TEXT,
        "title": "Haaland to Madrid",
        "outlet": "Football365",
        "published": "2026-02-04",
        "rumours": [Rumour(subject="Erling Haaland", from_club="Manchester City", to_club="Real Madrid")],
    }
    return Article(**(fields | changes))


def test_a_save_waits_for_another_writer_instead_of_failing(tmp_path):
    path = tmp_path / "r.db"
    db = store.open_db(path)  # busy_timeout 10 s
    store.save_article(db, _article())
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO crawl_runs (spider, finish_reason) VALUES ('other', 'running')")
    release = threading.Timer(1.0, other.execute, ["COMMIT"])
    release.start()
    try:
        store.save_article(db, _article(title="Haaland agrees Madrid move"))
    finally:
        release.join()
        other.close()
    assert db["articles"].get(URL)["title"] == "Haaland agrees Madrid move"
    assert db["crawl_runs"].count == 1


def test_a_wrong_canonical_url_does_not_merge_a_different_article(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    store.save_article(db, _article())
    # Another page claims the same canonical URL (a template bug) but says something else entirely.
    other = _article(
        fetched_url="https://football365.com/news/saka-contract",
        text=OTHER_TEXT,
        title="Saka signs",
        rumours=[Rumour(subject="Bukayo Saka", to_club="Arsenal", kind="stay")],
    )
    result = store.save_article(db, other)
    original = db["articles"].get(URL)
    assert original["text"] == TEXT and original["title"] == "Haaland to Madrid"
    assert db["articles"].get("https://football365.com/news/saka-contract")["text"] == OTHER_TEXT
    assert {r["subject"] for r in db["rumours"].rows} == {"Erling Haaland", "Bukayo Saka"}
    assert result.is_new and result.canonical_conflict
    assert result.url == "https://football365.com/news/saka-contract"


def test_the_page_at_the_canonical_url_moves_a_different_article_that_claimed_it(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    squatter = _article(fetched_url="https://football365.com/news/saka-contract", text=OTHER_TEXT, title="Saka")
    store.save_article(db, squatter)
    store.save_article(db, _article())  # the page that really lives at URL
    assert db["articles"].get(URL)["text"] == TEXT
    assert db["articles"].get("https://football365.com/news/saka-contract")["text"] == OTHER_TEXT
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_copy_claiming_the_original_url_does_not_overwrite_it(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    store.save_article(db, _article(), site="Football365")
    copy = _article(fetched_url="https://copycat.example/haaland", title="Stolen", outlet="Copycat")
    result = store.save_article(db, copy, site="Copycat")
    row = db["articles"].get(URL)
    assert (row["fetched_url"], row["site"], row["title"]) == (
        "https://football365.com/news/haaland",
        "Football365",
        "Haaland to Madrid",
    )
    assert db["articles"].count == 1
    assert result.skipped == "canonical_copy" and not result.is_new
    # The same fetched URL again is an ordinary update.
    assert not store.save_article(db, _article(title="Updated")).skipped
    assert db["articles"].get(URL)["title"] == "Updated"


def test_historical_and_live_claims_are_not_merged_and_counts_equal_rows(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    rumours = [
        Rumour(subject="Xabi Alonso", to_club="Liverpool", stage="done", historical=True, evidence="Joined in 2004."),
        Rumour(subject="Xabi Alonso", to_club="Liverpool", stage="talks", evidence="Liverpool in talks with Alonso."),
        Rumour(subject="Xabi Alonso", to_club="Liverpool", stage="interest", evidence="Liverpool keen."),
    ]
    result = store.save_article(db, _article(rumours=rumours))
    rows = list(db.query("SELECT stage, historical, evidence FROM rumours ORDER BY position"))
    assert [(r["stage"], r["historical"]) for r in rows] == [("done", 1), ("talks", 0)]
    assert rows[1]["evidence"] == "Liverpool in talks with Alonso."
    assert db["articles"].get(URL)["rumour_count"] == 2
    assert result.rumours_inserted == 2


def test_a_failed_store_is_counted_and_its_feed_is_fetched_in_full_next_time(tmp_path):
    db_path = tmp_path / "rumours.db"
    db = store.open_db(db_path)
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.fetched_url LIKE '%TheSun%'"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    db.close()
    with SnapshotServer(FIXTURES) as server:
        result = run_cli("crawl", "--feed", server.url("feeds/real-pages.rss"), "--db", str(db_path), *FAST)
    assert result.returncode == 0, result.stderr
    run = last_run_stats(db_path)
    assert run["stats"]["rumourcrawl/errors/store_failed"] == 1
    assert run["errors"] == 1
    database = sqlite_utils.Database(db_path)
    assert database["articles"].count == 3
    assert database["feed_state"].count == 0  # so the next run fetches the feed (and the article) again
    log = (db_path.parent / "crawl.log").read_text(encoding="utf-8")
    assert "Could not store" in log and "TheSun" in log


def test_reextract_keeps_corrected_charsets_and_refuses_future_dates(tmp_path):
    db_path = tmp_path / "rumours.db"
    with SnapshotServer(FIXTURES / "faults") as server:
        pages = ["news/cp1252.html", "news/cp1252-undeclared.html", "news/future-date.html"]
        urls = [arg for page in pages for arg in ("--url", server.url(page))]
        crawled = run_cli("crawl", *urls, "--db", str(db_path), "-s", "RUMOURCRAWL_STORE_HTML=True", *FAST)
    assert crawled.returncode == 0, crawled.stderr

    def rows():
        database = sqlite_utils.Database(db_path)
        return {
            r["url"].rsplit("/", 1)[1]: r
            for r in database.query("SELECT url, title, text, content_hash, published FROM articles")
        }

    before = rows()
    assert set(before) == {"cp1252.html", "cp1252-undeclared.html", "future-date.html"}
    assert before["future-date.html"]["published"] is None
    result = run_cli("reextract", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "Re-extracted 3 of 3 stored pages" in result.stdout
    after = rows()
    for name in ("cp1252.html", "cp1252-undeclared.html"):
        assert "€40m budget for Müller’s successor" in after[name]["text"]
        assert after[name]["content_hash"] == before[name]["content_hash"]
    assert after == before


def test_two_pages_sharing_a_wrong_canonical_url_are_both_stored(tmp_path):
    sun = (FIXTURES / "pages" / "fundus_uk_TheSun_2024_04_22.html").read_text(encoding="utf-8")
    standard = (FIXTURES / "pages" / "fundus_uk_EveningStandard_2024_05_02.html").read_text(encoding="utf-8")
    shared, own = SUN_URL, STANDARD_URL
    assert own in standard
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news" / "sun.html").write_text(sun, encoding="utf-8")
    (site / "news" / "standard.html").write_text(standard.replace(own, shared), encoding="utf-8")  # a template bug
    db_path = tmp_path / "rumours.db"
    with SnapshotServer(site) as server:
        urls = ["--url", server.url("news/sun.html"), "--url", server.url("news/standard.html")]
        result = run_cli("crawl", *urls, "--db", str(db_path), *FAST)
    assert result.returncode == 0, result.stderr
    articles = list(sqlite_utils.Database(db_path).query("SELECT url, text FROM articles"))
    assert len(articles) == 2  # the second page is not dropped as a duplicate of the first
    assert canonical_url(shared) in {a["url"] for a in articles}
    assert len({a["text"] for a in articles}) == 2
    assert last_run_stats(db_path)["stats"]["rumourcrawl/canonical_conflicts"] == 1


def test_a_copy_on_another_host_claiming_a_stored_url_is_counted_not_stored(tmp_path):
    sun = (FIXTURES / "pages" / "fundus_uk_TheSun_2024_04_22.html").read_text(encoding="utf-8")
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news" / "sun.html").write_text(sun, encoding="utf-8")
    (site / "news" / "copy.html").write_text(sun.replace("</h1>", " (exclusive)</h1>", 1), encoding="utf-8")
    db_path = tmp_path / "rumours.db"
    with SnapshotServer(site) as server:
        first = run_cli("crawl", "--url", server.url("news/sun.html"), "--db", str(db_path), *FAST)
        assert first.returncode == 0, first.stderr
        # The same server under another host name stands for a site that copied the page, canonical link and all.
        copy_url = server.url("news/copy.html").replace("127.0.0.1", "localhost")
        second = run_cli("crawl", "--url", copy_url, "--db", str(db_path), *FAST)
    assert second.returncode == 0, second.stderr
    (row,) = sqlite_utils.Database(db_path)["articles"].rows
    assert row["fetched_url"] == server.url("news/sun.html")
    assert "(exclusive)" not in (row["title"] or "")
    stats = last_run_stats(db_path)["stats"]
    assert stats["rumourcrawl/duplicates/canonical"] == 1
    assert "rumourcrawl/articles_updated" not in stats


def test_reextract_never_overwrites_another_article_at_a_new_canonical_url(tmp_path):
    from rumourcrawl.extract import extract_article
    from rumourcrawl.reextract import reextract

    sun_url, standard_url = SUN_URL, STANDARD_URL
    sun = (FIXTURES / "pages" / "fundus_uk_TheSun_2024_04_22.html").read_bytes()
    standard = (FIXTURES / "pages" / "fundus_uk_EveningStandard_2024_05_02.html").read_bytes()
    path = tmp_path / "rumours.db"
    db = store.open_db(path)
    store.save_article(db, extract_article(sun, sun_url), html=sun)
    store.save_article(db, extract_article(standard, standard_url), html=standard)
    before = {r["url"]: r["text"] for r in db["articles"].rows}
    # The Standard's stored page now (after a rule change, say) gives the Sun's URL as its canonical.
    db.execute(
        "UPDATE articles SET html = ? WHERE url = ?",
        [store.compress_html(standard.replace(standard_url.encode(), sun_url.encode())), canonical_url(standard_url)],
    )
    db.close()
    figures = reextract(path)
    assert figures["reextracted"] == 2 and figures["failed"] == 0
    after = {r["url"]: r["text"] for r in sqlite_utils.Database(path)["articles"].rows}
    assert after == before


def test_reextract_counts_a_page_the_rumour_rules_trip_on_and_goes_on(tmp_path, monkeypatch):
    from rumourcrawl import reextract as module
    from rumourcrawl.extract import extract_article
    from rumourcrawl.extract.gossip import rumours_of

    pages = {SUN_URL: "fundus_uk_TheSun_2024_04_22", STANDARD_URL: "fundus_uk_EveningStandard_2024_05_02"}
    path = tmp_path / "rumours.db"
    db = store.open_db(path)
    for url, name in pages.items():
        html = (FIXTURES / "pages" / f"{name}.html").read_bytes()
        store.save_article(db, extract_article(html, url), html=html)
    before = list(db.query("SELECT url, text, rumour_count FROM articles ORDER BY url"))
    db.close()

    def tripping(article):
        if "Foden" in article.text:
            raise IndexError("a rule tripped")
        return rumours_of(article)

    monkeypatch.setattr(module, "rumours_of", tripping)  # raising=True: the name must exist
    figures = module.reextract(path)
    assert (figures["reextracted"], figures["failed"]) == (1, 1)
    after = list(sqlite_utils.Database(path).query("SELECT url, text, rumour_count FROM articles ORDER BY url"))
    assert after == before  # the page it tripped on kept its row


def test_a_newer_schema_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "r.db"
    store.open_db(path).execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError) as refused:
        store.open_db(path)
    assert str(path) in str(refused.value) and "Connection object" not in str(refused.value)


KILLED_MID_BATCH = """
import os, signal, sys
from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour

db = store.open_db(sys.argv[1])
batch = store.WriteBatch(db, items=3, seconds=3600)
for i in range(5):  # a batch of 3 commits; the next two articles are written, then the process dies
    batch.begin()
    text = " ".join(f"Article {i} sentence {j} about Erling Haaland and detail {i * 100 + j}." for j in range(40))
    rumours = [Rumour(subject="Erling Haaland", to_club="Real Madrid"), Rumour(subject="Bukayo Saka", kind="stay")]
    store.save_article(db, Article(url=f"https://example.com/{i}", text=text, rumours=rumours))
    batch.wrote()
    if batch.due():
        batch.commit()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_kill_mid_batch_keeps_whole_committed_articles_only(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "r.db"
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_BATCH, str(path)], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    db = store.open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert sorted(r["url"] for r in db["articles"].rows) == [f"https://example.com/{i}" for i in range(3)]
    assert db["rumours"].count == 6
    rows = db.execute(
        "SELECT a.rumour_count, count(r.id) FROM articles a LEFT JOIN rumours r ON r.article_url = a.url GROUP BY a.url"
    ).fetchall()
    assert rows == [(2, 2)] * 3
    assert db.execute("SELECT count(*) FROM minhash_docs").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == 3 * store.LSH_BANDS


def test_a_failed_article_in_a_batch_leaves_the_others(tmp_path):
    db = store.open_db(tmp_path / "r.db")
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON rumours WHEN NEW.subject = 'Bukayo Saka'"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    batch = store.WriteBatch(db, items=10, seconds=3600)
    batch.begin()
    store.save_article(db, _article())
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(
            db,
            _article(
                url="https://other.example/saka",
                fetched_url=None,
                text=OTHER_TEXT,
                rumours=[Rumour(subject="Bukayo Saka")],
            ),
        )
    assert batch.open  # the failed article's savepoint is rolled back, the batch goes on
    batch.commit()
    assert [r["url"] for r in db["articles"].rows] == [URL]
    assert [r["subject"] for r in db["rumours"].rows] == ["Erling Haaland"]


def test_a_redirected_listed_url_whose_batch_failed_to_commit_is_fetched_again(tmp_path):
    # A listed URL that redirects is remembered as "stored" (its article is known under another URL) and
    # never fetched again: that must not happen when the batch holding the article failed to commit.
    site = tmp_path / "site"
    (site / "pages").mkdir(parents=True)
    saved = {"sun": "fundus_uk_TheSun_2024_04_22.html", "standard": "fundus_uk_EveningStandard_2024_05_02.html"}
    for name, page in saved.items():
        (site / "pages" / f"{name}.html").write_bytes((FIXTURES / "pages" / page).read_bytes())
    (site / "_routes.json").write_text(
        '{"/go/sun": {"status": 301, "body": "", "headers": {"Location": "/pages/sun.html"}}}', encoding="utf-8"
    )
    items = "".join(
        f"<item><title>{p}</title><link>{{{{BASE}}}}{p}</link></item>" for p in ("/go/sun", "/pages/standard.html")
    )
    (site / "feed.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )
    db_path = tmp_path / "rumours.db"
    db = store.open_db(db_path)
    # A deferred foreign key broken by the Sun page's row: its savepoint is released, the batch's COMMIT fails.
    db.execute("CREATE TABLE trap (ref TEXT REFERENCES articles(url) DEFERRABLE INITIALLY DEFERRED)")
    db.execute(
        "CREATE TRIGGER refuse_at_commit AFTER INSERT ON articles WHEN NEW.fetched_url LIKE '%sun.html'"
        " BEGIN INSERT INTO trap VALUES ('nowhere'); END"
    )
    db.close()
    with SnapshotServer(site) as server:
        crawl = ["crawl", "--feed", server.url("feed.rss"), "--db", str(db_path), *FAST]
        first = run_cli(*crawl)
        assert first.returncode == 0, first.stderr
        database = sqlite_utils.Database(db_path)
        assert database["articles"].count == 0  # the batch held both articles
        assert last_run_stats(db_path)["stats"]["rumourcrawl/errors/store_failed"] == 2
        assert database["listed_urls"].count == 0
        database.execute("DROP TRIGGER refuse_at_commit")
        database.close()
        second = run_cli(*crawl)
        assert second.returncode == 0, second.stderr
    database = sqlite_utils.Database(db_path)
    assert {r["fetched_url"].rsplit("/", 1)[1] for r in database["articles"].rows} == {"sun.html", "standard.html"}
    listed = {r["url"].rsplit("/", 1)[1]: (r["outcome"], r["reason"]) for r in database["listed_urls"].rows}
    assert listed == {"sun": ("stored", "redirected")}
