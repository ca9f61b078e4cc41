"""The database people open in Datasette: built by real crawls, read by a real Datasette instance
given the project's metadata (canned queries, facets, the Atom feed) by rumourcrawl's plugin alone,
whatever the file is called and with no -m flag."""

import asyncio
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from conftest import REPO, last_run_stats, run_cli
from rumourcrawl import store
from rumourcrawl.extract.models import Article, Rumour
from rumourcrawl.extract.rumours.model import DEFAULT_MIN_CONFIDENCE

METADATA = yaml.safe_load((REPO / "rumourcrawl" / "data" / "metadata.yml").read_text(encoding="utf-8"))
QUERIES = METADATA["databases"]["rumours"]["queries"]  # the template the plugin applies to every rumourcrawl database
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=0"]
HAALAND = "erling-haaland-to-real-madrid"
TG_HAALAND = "https://terracegazette.example/football/haaland-agrees-personal-terms-real-madrid"
F365_TALKS = "https://football365.com/news/haaland-real-madrid-talks-man-city-not-for-sale"
WIRE_COPY = "https://footballwire.example/transfers/haaland-real-madrid-terms"
COPIES = ("syndicated/footballwire-haaland-personal-terms.html", "syndicated/football365-haaland-talks-amp.html")


def crawl_demo_and_copies(db, fixture_server):
    """The demo crawl, then a crawl of a syndicated copy and an AMP edition of demo articles."""
    demo = run_cli("demo", "--db", str(db))
    assert demo.returncode == 0, demo.stderr
    urls = [arg for path in COPIES for arg in ("--url", fixture_server.url(path))]
    copies = run_cli("crawl", *urls, "--db", str(db), *FAST)
    assert copies.returncode == 0, copies.stderr


def get(db_path, *paths):
    """GET each path from a real Datasette serving db_path (metadata and canned queries from the plugin)."""

    async def fetch():
        datasette = Datasette(files=[str(db_path)])
        return [await datasette.client.get(path) for path in paths]

    responses = asyncio.run(fetch())
    return responses[0] if len(paths) == 1 else responses


def rows(db_path, path):
    response = get(db_path, path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


@pytest.fixture(scope="module")
def crawled(fixture_server, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "transfers.db"  # not "rumours": the plugin serves any name
    crawl_demo_and_copies(db, fixture_server)
    return db


def test_haaland_story_spans_articles_and_outlets_and_a_copy_adds_no_source(crawled):
    database = sqlite_utils.Database(crawled)
    story = database["stories"].get(HAALAND)
    assert story["subject"] == "Erling Haaland" and story["to_club"] == "Real Madrid"
    reporting = {
        (r["url"], r["outlet"])
        for r in database.query(
            "SELECT DISTINCT a.url, a.outlet FROM rumours r JOIN articles a ON a.url = r.article_url"
            " WHERE r.story_id = ?",
            [HAALAND],
        )
    }
    assert {url for url, _ in reporting} >= {TG_HAALAND, F365_TALKS}
    assert story["articles"] == len(reporting) >= 3
    assert story["outlets"] == 2 == len({outlet for _, outlet in reporting})
    assert story["first_outlet"] == "Football365"  # the seed article, 4 February, reported it first
    assert story["first_seen"].startswith("2026-02-04")

    # The syndicated copy is stored once, linked to its original, with no rumours of its own.
    copy = database["articles"].get(WIRE_COPY)
    assert copy["outlet"] == "Football Wire"
    assert copy["duplicate_of"] == TG_HAALAND
    assert 0.7 <= copy["similarity"] < 1
    assert copy["rumour_count"] == 0
    assert not list(database.query("SELECT id FROM rumours WHERE article_url = ?", [WIRE_COPY]))
    assert "Football Wire" not in {
        r["outlet"] for r in rows(crawled, "/transfers/person_timeline.json?_shape=array&person=Haaland")
    }


def test_url_variants_fold_into_one_article(crawled):
    database = sqlite_utils.Database(crawled)
    # 14 demo articles, plus the syndicated copy; the AMP edition updated its original in place.
    assert database["articles"].count == 15
    talks = database["articles"].get(F365_TALKS)
    assert talks["fetched_url"].endswith("/syndicated/football365-haaland-talks-amp.html")
    assert not list(database.query("SELECT url FROM articles WHERE url LIKE '%utm_%' OR url LIKE '%/amp%'"))


def test_every_canned_query_runs_and_answers_its_question(crawled):
    database = sqlite_utils.Database(crawled)
    queries = QUERIES
    params = {
        "club_links": "club=Los+Blancos",  # a nickname, looked up in the club gazetteer
        "person_timeline": "person=Haaland",
        "new_since": "since=2026-03-10",
    }
    answers = {name: rows(crawled, f"/transfers/{name}.json?_shape=array&{params.get(name, '')}") for name in queries}
    # below_threshold may be empty: it lists only what the model is unsure of.
    assert all(v for k, v in answers.items() if k != "below_threshold"), [n for n, r in answers.items() if not r]

    latest = answers["latest_rumours"]
    newest = next(database.query("SELECT max(published) AS p FROM rumours"))["p"]
    assert latest[0]["published"] == newest
    assert [r["published"] for r in latest] == sorted((r["published"] for r in latest), reverse=True)

    links = {(r["direction"], r["story"]) for r in answers["club_links"]}
    assert ("incoming", HAALAND) in links
    assert ("outgoing", "ferland-mendy-exit") in links  # the seed: Perez approves four exits

    timeline = answers["person_timeline"]
    assert {r["outlet"] for r in timeline if r["story"] == HAALAND} == {"Football365", "The Terrace Gazette"}
    assert [r["published"] for r in timeline] == sorted(r["published"] for r in timeline)

    confirmed = answers["confirmed_stories"]
    assert HAALAND in {r["story"] for r in confirmed}
    assert all(r["outlets"] >= 2 for r in confirmed)
    expected_confirmed = {
        r["id"]
        for r in database.query(
            "SELECT id FROM stories WHERE outlets >= 2 AND confidence >= ?", [DEFAULT_MIN_CONFIDENCE]
        )
    }
    assert {r["story"] for r in confirmed} == expected_confirmed

    since = {r["story"]: r for r in answers["new_since"]}
    assert since[HAALAND]["is_new"] == 0  # an older story that moved on 10 March
    assert since["kieran-mckenna-to-crystal-palace"]["is_new"] == 1  # started 16 March
    assert "igor-thiago-to-arsenal" not in since  # January only
    assert all(r["last_seen"] >= "2026-03-10" for r in since.values())

    weekly = answers["rumours_per_club_per_week"]
    counted = next(
        database.query(
            "SELECT count(*) AS n FROM rumours r JOIN articles a ON a.url = r.article_url"
            " WHERE a.duplicate_of IS NULL AND r.to_club IS NOT NULL AND r.published IS NOT NULL"
            " AND coalesce(r.confidence, 1) >= ?",  # the default min_confidence
            [DEFAULT_MIN_CONFIDENCE],
        )
    )["n"]
    assert sum(r["rumours"] for r in weekly) == counted
    assert all(r["week"].startswith("2026-W") for r in weekly)

    sources = {r["source"]: r for r in answers["source_reliability"]}
    assert sources["Fabrizio Romano"]["tier"] == 1

    feed_rows = answers["new_stories_feed"]
    assert {"atom_id", "atom_title", "atom_updated"} <= set(feed_rows[0])


# source_reliability as it was before migration 7: every rumour with a source, joined to its story.
SOURCE_RELIABILITY_BY_RUMOURS = """
select r.source, min(r.source_tier) as tier, count(distinct r.story_id) as stories,
       count(distinct case when s.furthest_stage in ('agreed', 'done') then s.id end) as reached_agreed_or_done,
       count(distinct case when s.latest_stage in ('denied', 'collapsed') then s.id end) as denied_or_collapsed,
       count(*) as rumours
from rumours r join stories s on s.id = r.story_id
where r.source is not null
group by r.source
order by tier, stories desc, r.source
"""


def test_source_reliability_gives_the_rows_of_aggregating_the_rumours(crawled):
    expected = list(sqlite_utils.Database(crawled).query(SOURCE_RELIABILITY_BY_RUMOURS))
    assert len(expected) >= 3 and any(r["reached_agreed_or_done"] for r in expected)
    assert rows(crawled, "/transfers/source_reliability.json?_shape=array") == expected
    # Its tables are derived, like the near-duplicate index: hidden from the table list.
    tables = rows(crawled, "/transfers.json")["tables"]
    assert {t["name"]: t["hidden"] for t in tables if t["name"] in ("story_sources", "source_stats", "stories")} == {
        "story_sources": True,
        "source_stats": True,
        "stories": False,
    }


def test_migration_7_fills_source_reliability_in_a_schema_6_file(crawled, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(crawled, path)
    old = sqlite_utils.Database(path)
    written = {
        table: sorted(tuple(r.items()) for r in old.query(f"SELECT * FROM {table}"))
        for table in ("story_sources", "source_stats")
    }
    assert all(written.values())
    # A schema-6 file: what this rumourcrawl writes, without migration 7's tables.
    old.execute("DROP TABLE story_sources")
    old.execute("DROP TABLE source_stats")
    old.execute("PRAGMA user_version = 6")
    old.close()
    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 7
    filled = {
        table: sorted(tuple(r.items()) for r in db.query(f"SELECT * FROM {table}"))
        for table in ("story_sources", "source_stats")
    }
    db.close()
    assert filled == written  # the migration's SQL build gives the story refresh's rows
    assert rows(path, "/old/source_reliability.json?_shape=array") == list(
        sqlite_utils.Database(path).query(SOURCE_RELIABILITY_BY_RUMOURS)
    )


def test_atom_feed_of_new_stories(crawled):
    response = get(crawled, "/transfers/new_stories_feed.atom")
    assert response.status_code == 200
    assert "xml" in response.headers["content-type"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.text)
    entries = feed.findall("a:entry", ns)
    stories = (
        sqlite_utils.Database(crawled)
        .execute(
            "SELECT count(*) FROM stories WHERE confidence >= ?",  # the default min_confidence
            [DEFAULT_MIN_CONFIDENCE],
        )
        .fetchone()[0]
    )
    assert len(entries) == min(stories, 50)
    by_id = {e.find("a:id", ns).text.removeprefix("urn:rumourcrawl:story:"): e for e in entries}
    assert by_id[HAALAND].find("a:title", ns).text.startswith("Erling Haaland → Real Madrid")
    assert by_id[HAALAND].find("a:content", ns).get("type") == "text"


def test_facets_and_default_sorts_from_metadata(crawled):
    database = sqlite_utils.Database(crawled)
    result = rows(crawled, "/transfers/rumours.json?_facet=stage&_facet=outlet&_facet=to_club")
    stage_facet = {f["value"]: f["count"] for f in result["facet_results"]["stage"]["results"]}
    expected = {r["stage"]: r["n"] for r in database.query("SELECT stage, count(*) AS n FROM rumours GROUP BY stage")}
    assert stage_facet == expected
    assert {f["value"] for f in result["facet_results"]["outlet"]["results"]} == {"Football365", "The Terrace Gazette"}

    # The stories table shows its configured facets and newest stories first without being asked.
    stories = rows(crawled, "/transfers/stories.json")
    assert {"latest_stage", "to_club", "best_tier"} <= set(stories["facet_results"])
    last_seen = [row[stories["columns"].index("last_seen")] for row in stories["rows"]]
    assert last_seen == sorted(last_seen, reverse=True)

    # A facet selection narrows the table: Real Madrid's incoming stories.
    incoming = rows(crawled, "/transfers/stories.json?_shape=array&to_club=Real+Madrid")
    assert HAALAND in {r["id"] for r in incoming}
    assert all(r["to_club"] == "Real Madrid" for r in incoming)


def test_full_text_search_on_articles_and_evidence(crawled):
    hits = rows(crawled, "/transfers/rumours.json?_shape=array&_search=personal+terms")
    assert hits and all("personal terms" in r["evidence"].lower() for r in hits)
    articles = rows(crawled, "/transfers/articles.json?_shape=array&_search=Baleba")
    assert [a["url"] for a in articles] == ["https://football365.com/news/man-utd-carlos-baleba-deal-collapses"]


def test_evidence_is_shown_as_text_not_html(tmp_path):
    """Browser-free: markup in a crawled page reaches every page and the feed escaped, never as HTML."""
    path = tmp_path / "scraped.db"
    db = store.open_db(path)
    evidence = 'Haaland <b>agreed</b> <script>alert("x")</script> terms'
    store.save_article(
        db,
        Article(
            url="https://example.com/news/1",
            text=evidence,
            title="<i>Title</i>",
            outlet="Example",
            published="2026-03-01T10:00:00+00:00",
            rumours=[
                Rumour(
                    subject="Erling Haaland",
                    to_club="Real Madrid",
                    evidence=evidence,
                    fee="<img src=x onerror=alert(1)>",
                )
            ],
        ),
    )
    store.refresh_stories(db)
    db.close()
    table, query, timeline, feed = get(
        path,
        "/scraped/rumours",
        "/scraped/latest_rumours",
        "/scraped/person_timeline?person=Haaland",
        "/scraped/new_stories_feed.atom",
    )
    for page in (table, query, timeline):
        assert page.status_code == 200
        assert "&lt;b&gt;agreed&lt;/b&gt;" in page.text
        assert "<b>agreed</b>" not in page.text and '<script>alert("x")' not in page.text
    assert "<img src=x" not in table.text
    assert feed.status_code == 200
    assert "<script>" not in feed.text and "<b>" not in feed.text
    assert feed.text.count('type="text"') >= 1


def test_the_plugin_describes_any_rumourcrawl_database_and_leaves_others_alone(crawled, tmp_path):
    other = tmp_path / "notes.db"
    sqlite_utils.Database(other)["notes"].insert({"text": "mine"})
    renamed = tmp_path / "my transfers.db"  # a name that needs encoding in URLs
    shutil.copy(crawled, renamed)

    async def fetch():
        datasette = Datasette(files=[str(other)])
        alone = [await datasette.client.get(p) for p in ("/-/metadata.json", "/notes.json", "/")]
        datasette = Datasette(files=[str(renamed), str(other)])
        both = [
            await datasette.client.get(p)
            for p in ("/-/metadata.json", "/my+transfers", "/my+transfers/stories.json", "/notes.json")
        ]
        return alone, both

    (alone_meta, alone_notes, alone_home), (meta, page, stories, notes) = asyncio.run(fetch())
    # Serving only a database without the schema: nothing of rumourcrawl's.
    assert alone_meta.json() == {}
    assert alone_notes.json()["queries"] == []
    assert "Transfer rumours" not in alone_home.text
    # Serving both: the rumourcrawl database gets titles, descriptions and queries, the other none.
    assert set(meta.json()["databases"]) == {"my transfers"}
    assert meta.json()["title"] == "Transfer rumours"
    assert page.status_code == 200
    assert 'href="/my+transfers/stories"' in page.text and "Latest rumours" in page.text
    assert stories.json()["human_description_en"] == "sorted by last_seen descending"
    assert {"latest_stage", "to_club"} <= set(stories.json()["facet_results"])
    assert notes.json()["queries"] == []


def test_the_home_page_links_to_the_one_rumourcrawl_database(crawled):
    home, database = get(crawled, "/", "/transfers.json")
    assert home.status_code == 200
    assert "<title>Transfer rumours" in home.text
    assert 'href="/transfers/stories"' in home.text and 'href="/transfers/new_stories_feed.atom"' in home.text
    assert {q["name"] for q in database.json()["queries"]} == set(QUERIES)


def test_rerunning_the_crawls_changes_no_counts_and_reextract_is_idempotent(fixture_server, tmp_path):
    db = tmp_path / "rumours.db"
    crawl_demo_and_copies(db, fixture_server)
    tables = ("articles", "rumours", "stories", "people", "clubs", "outlets")
    before = store.counts(db)
    stories_before = list(sqlite_utils.Database(db).query("SELECT * FROM stories ORDER BY id"))
    first_run = last_run_stats(db)
    crawl_demo_and_copies(db, fixture_server)
    after = store.counts(db)
    # The crawl runs' own record: the first demo started every story, the second none.
    runs = list(sqlite_utils.Database(db).query("SELECT stories, stories_new FROM crawl_runs ORDER BY id"))
    assert runs[0] == {"stories": before["stories"], "stories_new": before["stories"]}
    assert runs[2] == {"stories": before["stories"], "stories_new": 0}
    assert first_run["stories_new"] == 0  # the copies added no story
    assert first_run["stats"]["rumourcrawl/duplicates/content"] == 1  # the syndicated copy
    assert (
        first_run["rumours"]
        == next(
            sqlite_utils.Database(db).query("SELECT count(*) AS n FROM rumours WHERE article_url = ?", [F365_TALKS])
        )["n"]
    )  # only the AMP edition's claims were stored: the copy's were not
    assert {t: after[t] for t in tables} == {t: before[t] for t in tables}
    assert list(sqlite_utils.Database(db).query("SELECT * FROM stories ORDER BY id")) == stories_before

    # The demo keeps its pages: rebuilding from them gives the same database, twice over.
    def snapshot():
        database = sqlite_utils.Database(db)
        return {
            t: list(database.query(f"SELECT * FROM {t} ORDER BY 1"))
            for t in ("rumours", "stories", "people", "clubs", "outlets")
        } | {"articles": list(database.query("SELECT url, text, duplicate_of, last_fetched FROM articles ORDER BY 1"))}

    rebuilt = snapshot()
    for _ in range(2):
        result = run_cli("reextract", "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "Re-extracted 14 of 14 stored pages" in result.stdout
        assert "1 article(s) have no stored HTML" in result.stdout  # the copies were crawled without it
        assert snapshot() == rebuilt


def test_reextract_refuses_what_is_not_a_rumourcrawl_database(tmp_path):
    result = run_cli("reextract", "--db", str(tmp_path / "missing.db"))
    assert result.returncode == 2
    assert "no such database" in result.stderr
    assert not (tmp_path / "missing.db").exists()

    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["notes"].insert({"text": "mine"})
    result = run_cli("reextract", "--db", str(other))
    assert result.returncode == 2 and "not a rumourcrawl database" in result.stderr
    assert sqlite_utils.Database(other).table_names() == ["notes"]  # left untouched

    text = tmp_path / "notes.db"
    text.write_text("not a database at all, " * 100)
    result = run_cli("reextract", "--db", str(text))
    assert result.returncode == 2 and "not a SQLite database" in result.stderr


def test_reextract_keeps_rows_whose_stored_html_is_unreadable(tmp_path):
    path = tmp_path / "rumours.db"
    db = store.open_db(path)
    article = Article(url="https://example.com/news/1", text="Haaland wants Real Madrid.", outlet="Example")
    store.save_article(db, article, html=b"<html><body><p>Haaland wants Real Madrid.</p></body></html>")
    db.execute("UPDATE articles SET html = ?", [b"not zlib"])
    db.conn.commit()
    db.close()
    result = run_cli("reextract", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "Re-extracted 0 of 1 stored pages (1 failed and kept as they were)" in result.stdout
    assert sqlite_utils.Database(path)["articles"].get("https://example.com/news/1")["text"] == article.text


def test_stored_pages_reads_one_page_at_a_time_and_passes_over_rows_gone_meanwhile(tmp_path):
    """reextract rewrites rows while it walks the stored pages: each page is read when its turn comes, so
    a row removed (or re-keyed) by then is passed over, and no page waits in memory for its turn."""
    db = store.open_db(tmp_path / "rumours.db")
    for n in (1, 2, 3):
        article = Article(url=f"https://example.com/news/{n}", text=f"Story {n}.", outlet="Example")
        store.save_article(db, article, html=f"<html><body><p>Story {n}.</p></body></html>".encode())
    pages = store.stored_pages(db)
    first = next(pages)
    assert first["url"] == "https://example.com/news/1" and b"Story 1." in first["html"]
    db.execute("DELETE FROM articles WHERE url = ?", ["https://example.com/news/2"])
    db.execute("UPDATE articles SET html = ? WHERE url = ?", [b"not zlib", "https://example.com/news/3"])
    rest = list(pages)
    assert [page["url"] for page in rest] == ["https://example.com/news/3"]
    assert rest[0]["html"] is None  # read after the change: the unreadable bytes, not the page listed
    db.close()


def test_datasette_reads_while_a_crawl_writes(tmp_path, crawled):
    """WAL: readers never see "database is locked" while the crawler writes."""
    db = tmp_path / "rumours.db"
    shutil.copy(crawled, db)  # a database with data, so readers have something to read
    crawl = subprocess.Popen(
        [sys.executable, "-m", "rumourcrawl", "demo", "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    async def read_until_done():
        datasette = Datasette(files=[str(db)])
        statuses = []
        while True:
            running = crawl.poll() is None
            for path in (
                "/rumours/stories.json",
                "/rumours/articles.json?_search=Haaland",
                "/rumours/latest_rumours.json",
            ):
                response = await datasette.client.get(path)
                statuses.append((path, response.status_code, "locked" in response.text))
            if not running:
                return statuses
            await asyncio.sleep(0.05)

    statuses = asyncio.run(read_until_done())
    _, stderr = crawl.communicate()
    assert crawl.returncode == 0, stderr
    assert "locked" not in stderr
    assert all(status == 200 and not locked for _, status, locked in statuses), statuses


def test_default_views_hide_low_confidence_rows_and_a_setting_moves_the_threshold(crawled, tmp_path):
    db_path = tmp_path / "confidence.db"
    shutil.copy(crawled, db_path)
    db = sqlite_utils.Database(db_path)
    ids = [row["id"] for row in db.query("SELECT id FROM rumours ORDER BY id")]
    assert len(ids) >= 4
    low = ids[0]
    db.execute("UPDATE rumours SET confidence = 0.2 WHERE id = ?", [low])
    db.conn.commit()
    evidence = db.execute("SELECT evidence FROM rumours WHERE id = ?", [low]).fetchone()[0]
    shown = rows(db_path, "/confidence/latest_rumours.json?_shape=objects")["rows"]
    assert evidence not in [r["evidence"] for r in shown]
    hidden = rows(db_path, "/confidence/below_threshold.json?_shape=objects")["rows"]
    assert evidence in [r["evidence"] for r in hidden]
    assert all(r["confidence"] < DEFAULT_MIN_CONFIDENCE and r["threshold"] == DEFAULT_MIN_CONFIDENCE for r in hidden)
    # Nothing is deleted: the table still has the row.
    assert rows(db_path, f"/confidence/rumours/{low}.json?_shape=objects")["rows"]

    async def with_threshold():
        datasette = Datasette(files=[str(db_path)], metadata={"plugins": {"rumourcrawl": {"min_confidence": 0.1}}})
        return await datasette.client.get("/confidence/latest_rumours.json?_shape=objects")

    lowered = asyncio.run(with_threshold())
    assert evidence in [r["evidence"] for r in lowered.json()["rows"]]


def test_stories_carry_the_highest_confidence_of_their_rows(crawled):
    db = sqlite_utils.Database(crawled)
    for story_id, confidence in db.execute("SELECT id, confidence FROM stories").fetchall():
        best = db.execute("SELECT max(confidence) FROM rumours WHERE story_id = ?", [story_id]).fetchone()[0]
        assert confidence == best


def test_reextract_brings_a_database_from_the_old_engine_to_the_model(crawled, tmp_path):
    db_path = tmp_path / "old.db"
    shutil.copy(crawled, db_path)
    database = sqlite_utils.Database(db_path)
    expected = {
        (r["article_url"], r["subject"], r["to_club"], r["stage"], r["confidence"])
        for r in database.query("SELECT * FROM rumours")
    }
    # What an older rumourcrawl left: schema 3 (no story confidence), rule rows with a tier heuristic.
    database.execute("UPDATE rumours SET confidence = 0.65, stage = 'speculation'")
    database.execute("DROP INDEX IF EXISTS idx_stories_confidence")
    database["stories"].transform(drop={"confidence"})
    database.execute("PRAGMA user_version = 3")
    database.conn.commit()
    result = run_cli("reextract", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    database = sqlite_utils.Database(db_path)
    assert database.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    rebuilt = {
        (r["article_url"], r["subject"], r["to_club"], r["stage"], r["confidence"])
        for r in database.query("SELECT * FROM rumours")
    }
    assert rebuilt == expected
    assert database.execute("SELECT count(*) FROM stories WHERE confidence IS NULL").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("query", "start"),
    [
        ("latest_rumours", "SCAN r USING INDEX idx_rumours_published"),
        ("person_timeline", "SCAN s"),  # the stories (a few thousand), then their rumours by story_id
        ("rumours_per_club_per_week", "SCAN r USING INDEX idx_rumours_week_club"),
    ],
)
def test_canned_queries_over_the_rumours_start_from_an_index_not_every_article(crawled, query, start):
    """Their cost must follow the rows shown, not the database (benchmarks/bench_growth.py times them
    on a million rumours): each starts where its plan says, never from every original article."""
    import sqlite3

    from rumourcrawl.datasette_plugin import club_name

    conn = sqlite3.connect(crawled)
    conn.create_function("club_name", 1, club_name, deterministic=True)
    conn.create_function("min_confidence", 0, lambda: 0.5, deterministic=True)
    sql = QUERIES[query]["sql"]
    params = {name: "x" for name in ("person",) if f":{name}" in sql}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    conn.close()
    assert plan[0] == start, plan
    assert not any("idx_articles_duplicate_of" in step for step in plan), plan
    assert "SCAN r" not in plan, plan
