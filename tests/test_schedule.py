"""Unattended runs: incremental (conditional GET, lastmod), never two at once, and surviving kill -9.

Each test serves its own copy of the demo site's clean part (the RSS feed's eight articles), so it
can change files and hold a response until it says so: the tests wait on events (a request seen
by the server, a line printed), never on the clock.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from conftest import DEMO_SITE, REPO, last_run_stats, run_cli, run_scrapy, start_cli
from rumourcrawl.snapshot_server import SnapshotServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]
# In the feed's order; the crawl queue is last-in first-out, so the feed's first article is fetched last.
FEED_ORDER = list(dict.fromkeys(re.findall(r"news/[a-z0-9-]+\.html", (DEMO_SITE / "rss.xml").read_text())))
FEED_ARTICLES = sorted(FEED_ORDER)
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{entries}
</urlset>
"""


@pytest.fixture
def site(tmp_path):
    """A copy of the demo site without its broken routes, served on loopback."""
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root, ignore=shutil.ignore_patterns("_routes.json", "broken", "files", "private"))
    with SnapshotServer(root) as server:
        server.root_dir = root
        yield server


def _write_sitemap(root, lastmods: dict[str, str]) -> None:
    entries = "\n".join(
        f"  <url><loc>{{{{BASE}}}}/{path}</loc><lastmod>{lastmod}</lastmod></url>" for path, lastmod in lastmods.items()
    )
    (root / "news-sitemap.xml").write_text(SITEMAP.format(entries=entries), encoding="utf-8")


def _fetched_paths(db) -> list[str]:
    rows = sqlite_utils.Database(db).query("SELECT fetched_url FROM articles")
    return sorted(row["fetched_url"].split("/", 3)[3] for row in rows)


def _wait_for(condition, what: str, process=None, limit: float = 120):
    """Wait until `condition()` holds; the limit only stops a broken test from hanging the suite."""
    deadline = time.monotonic() + limit
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_second_run_over_unchanged_site_only_asks_whether_listings_changed(site, tmp_path):
    db = tmp_path / "rumours.db"
    sitemap_paths = FEED_ARTICLES[:3]
    _write_sitemap(site.root_dir, {path: "2026-01-01T08:00:00+00:00" for path in sitemap_paths})
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--sitemap", site.url("news-sitemap.xml"), "--db", str(db), *FAST]

    first = run_cli(*crawl)
    assert first.returncode == 0, first.stderr
    assert _fetched_paths(db) == FEED_ARTICLES
    states = {row["url"]: row for row in sqlite_utils.Database(db)["feed_state"].rows}
    assert set(states) == {site.url("rss.xml"), site.url("news-sitemap.xml")}
    assert all(row["etag"] and row["last_modified"] for row in states.values())

    before = len(site.log)
    second = run_cli(*crawl)
    assert second.returncode == 0, second.stderr
    requests = [entry for entry in site.log[before:] if entry["path"] != "/robots.txt"]
    assert sorted(entry["path"] for entry in requests) == ["/news-sitemap.xml", "/rss.xml"]
    assert all(entry["if_none_match"] == states[site.url(entry["path"])]["etag"] for entry in requests)
    assert all(entry["if_modified_since"] for entry in requests)
    assert {entry["status"] for entry in requests} == {304}
    run = last_run_stats(db)
    assert (run["articles_new"], run["articles_updated"], run["errors"]) == (0, 0, 0)
    assert run["stats"]["rumourcrawl/feeds_not_modified"] == 2
    assert "2 articles stored" not in second.stdout and "0 articles stored" in second.stdout

    # The sitemap now says one article changed after we fetched it, and one claims a date years ahead.
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0).isoformat()
    changed, bogus, same = sitemap_paths
    _write_sitemap(
        site.root_dir, {changed: soon, bogus: "2099-01-01T00:00:00+00:00", same: "2026-01-01T08:00:00+00:00"}
    )
    before = len(site.log)
    third = run_cli(*crawl)
    assert third.returncode == 0, third.stderr
    fetched = [entry["path"] for entry in site.log[before:] if entry["path"].startswith("/news/")]
    assert fetched == ["/" + changed]
    run = last_run_stats(db)
    assert (run["articles_new"], run["articles_updated"]) == (0, 1)
    assert run["stats"]["rumourcrawl/updated_refetched"] == 1
    assert run["stats"]["rumourcrawl/lastmod_in_future"] == 1
    assert run["stats"]["rumourcrawl/feeds_not_modified"] == 1  # the RSS feed did not change
    assert len(_fetched_paths(db)) == len(FEED_ARTICLES)


def test_a_failed_article_keeps_its_feed_from_being_answered_304(site, tmp_path):
    db = tmp_path / "rumours.db"
    broken = FEED_ARTICLES[0]
    site.routes["/" + broken] = {"status": 503, "body": "busy", "fail_times": 1}
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), *FAST]
    first = run_cli(*crawl)
    assert first.returncode == 0, first.stderr
    assert broken not in _fetched_paths(db)
    assert sqlite_utils.Database(db)["feed_state"].count == 0  # so the next run fetches the feed in full

    before = len(site.log)
    second = run_cli(*crawl)
    assert second.returncode == 0, second.stderr
    assert [e["path"] for e in site.log[before:] if e["path"].startswith("/news/")] == ["/" + broken]
    assert _fetched_paths(db) == FEED_ARTICLES


def test_overlapping_runs_never_crawl_at_once(site, tmp_path):
    db = tmp_path / "rumours.db"
    held = "/" + FEED_ARTICLES[0]
    site.routes[held] = {"hold": True}
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), *FAST]
    first = start_cli(*crawl)
    try:
        _wait_for(lambda: held in site.paths_requested(), "the first crawl to reach the held page", first)

        second = run_cli(*crawl)
        assert second.returncode == 0, second.stderr
        assert second.stdout.count("\n") == 1 and "another crawl" in second.stdout
        assert f"pid {first.pid}" in second.stdout

        waiting = start_cli(*crawl, "--wait")
        assert "waiting for the crawl" in waiting.stdout.readline()
    finally:
        site.release()
    first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    waiting_out, waiting_err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, waiting_err

    runs = list(sqlite_utils.Database(db).query("SELECT * FROM crawl_runs ORDER BY id"))
    assert len(runs) == 2  # the run that gave way wrote none
    assert [run["finish_reason"] for run in runs] == ["finished", "finished"]
    assert runs[1]["started"] >= runs[0]["finished"]
    assert (runs[0]["articles_new"], runs[1]["articles_new"]) == (len(FEED_ARTICLES), 0)


def _reference_rumours(site, tmp_path) -> int:
    db = tmp_path / "reference.db"
    result = run_cli("crawl", "--feed", site.url("rss.xml"), "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    return sqlite_utils.Database(db)["rumours"].count


@pytest.mark.parametrize("batch", ["1", "4"])
def test_kill_9_mid_crawl_then_restart_loses_and_duplicates_nothing(site, tmp_path, batch):
    db = tmp_path / "rumours.db"
    expected_rumours = _reference_rumours(site, tmp_path)
    # One request at a time, so the held page (fetched last) stops the crawl with the rest stored:
    # committed one by one, or in batches of 4 (the last, unfinished batch is lost to the kill).
    held = "/" + FEED_ORDER[0]
    site.routes[held] = {"hold": True}
    batching = ["-s", f"RUMOURCRAWL_STORE_BATCH_ITEMS={batch}", "-s", "RUMOURCRAWL_STORE_BATCH_SECONDS=600"]
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), "-s", "CONCURRENT_REQUESTS=1", *FAST, *batching]
    before = len(site.log)
    victim = start_cli(*crawl)
    try:
        _wait_for(lambda: held in site.paths_requested()[before:], "the crawl to reach the held page", victim)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
    finally:
        site.release()
    stored_before = len(_fetched_paths(db))
    assert stored_before < len(FEED_ARTICLES)
    if batch != "1":
        assert stored_before % int(batch) == 0  # whole batches only
    # Whole articles only: each stored one has every rumour row it counts, and nothing else is there.
    killed = sqlite_utils.Database(db)
    assert (
        killed.execute(
            "SELECT count(*) FROM articles a"
            " WHERE rumour_count != (SELECT count(*) FROM rumours WHERE article_url = a.url)"
        ).fetchone()[0]
        == 0
    )
    assert (
        killed.execute("SELECT count(*) FROM rumours WHERE article_url NOT IN (SELECT url FROM articles)").fetchone()[0]
        == 0
    )
    killed.close()

    restart = run_cli(*crawl)
    assert restart.returncode == 0, restart.stderr
    database = sqlite_utils.Database(db)
    assert _fetched_paths(db) == FEED_ARTICLES  # none lost, none twice (and url is the primary key)
    assert database["rumours"].count == expected_rumours
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = list(database.query("SELECT * FROM crawl_runs ORDER BY id"))
    assert [run["finish_reason"] for run in runs] == ["killed", "finished"]
    assert runs[1]["articles_new"] == len(FEED_ARTICLES) - stored_before
    log = (db.parent / "crawl.log").read_text(encoding="utf-8")
    assert "was killed mid-crawl; discarding its queue" in log


def test_a_stopped_crawl_resumes_its_queue(site, tmp_path):
    db = tmp_path / "rumours.db"
    # The first article request (the feed's last item) is held, so the rest wait in the queue.
    held = "/" + FEED_ORDER[-1]
    site.routes[held] = {"hold": True}
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), "-s", "CONCURRENT_REQUESTS=1", *FAST]
    stopped = start_cli(*crawl)
    try:
        _wait_for(lambda: held in site.paths_requested(), "the crawl to reach the held page", stopped)
        stopped.send_signal(signal.SIGTERM)  # what systemd or a shutdown sends: stop gracefully
        _wait_for(lambda: "shutting down gracefully" in _log(db), "the crawl to start shutting down", stopped)
    finally:
        site.release()
    stopped.communicate(timeout=60)
    stored_before = len(_fetched_paths(db))
    assert stored_before < len(FEED_ARTICLES)

    before = len(site.log)
    resumed = run_cli(*crawl)
    assert resumed.returncode == 0, resumed.stderr
    assert _fetched_paths(db) == FEED_ARTICLES
    paths = [entry["path"] for entry in site.log[before:]]
    assert "/rss.xml" not in paths  # the queue came from the job folder, not from reading the feed again
    run = last_run_stats(db)
    assert run["stats"]["rumourcrawl/resumed_queue"] == 1
    assert run["articles_new"] == len(FEED_ARTICLES) - stored_before
    runs = list(sqlite_utils.Database(db).query("SELECT finish_reason FROM crawl_runs ORDER BY id"))
    assert [run["finish_reason"] for run in runs] == ["shutdown", "finished"]


def _log(db) -> str:
    path = db.parent / "crawl.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_page_cap_leaves_the_rest_for_the_next_runs(site, tmp_path):
    db = tmp_path / "rumours.db"
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), "-s", "RUMOURCRAWL_MAX_ARTICLES=3", *FAST]
    new_per_run = []
    for _ in range(4):
        result = run_cli(*crawl)
        assert result.returncode == 0, result.stderr
        new_per_run.append(last_run_stats(db)["articles_new"])
    assert new_per_run == [3, 3, 2, 0]
    assert _fetched_paths(db) == FEED_ARTICLES
    # Only once every listed article is stored does the feed get a 304.
    assert last_run_stats(db)["stats"]["rumourcrawl/feeds_not_modified"] == 1


def test_scrapy_crawl_is_incremental_too(site, tmp_path):
    db = tmp_path / "rumours.db"
    crawl = ["crawl", "news", "-a", f"feeds={site.url('rss.xml')}", "-s", f"RUMOURCRAWL_DB={db}", *FAST]
    for _ in range(2):
        result = run_scrapy(*crawl)
        assert result.returncode == 0, result.stderr
    assert _fetched_paths(db) == FEED_ARTICLES
    runs = list(sqlite_utils.Database(db).query("SELECT articles_new, stats FROM crawl_runs ORDER BY id"))
    assert [run["articles_new"] for run in runs] == [len(FEED_ARTICLES), 0]
    assert '"rumourcrawl/feeds_not_modified": 1' in runs[1]["stats"]


def test_on_a_terminal_progress_is_shown_and_no_log_file_written(site, tmp_path):
    db = tmp_path / "rumours.db"
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "rumourcrawl", "crawl", "--feed", site.url("rss.xml"), "--db", str(db), *FAST],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=300,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert result.returncode == 0
    text = shown.decode("utf-8", "replace")
    # The progress line's last state: every article counted.
    assert f"news: {len(FEED_ARTICLES) + 2} pages, {len(FEED_ARTICLES)} articles" in text
    assert "\r" in text
    assert "INFO" not in text  # only warnings and errors reach the terminal
    assert not (tmp_path / "crawl.log").exists()
    assert f"{len(FEED_ARTICLES)} articles stored" in result.stdout


def test_listed_urls_that_gave_no_article_are_not_fetched_again_soon(site, tmp_path):
    db = tmp_path / "rumours.db"
    extra = {
        "/news/removed-story": "a 404",
        "/tables/premier-league.html": "a league table, not an article",
        "/news/moved-story": "a redirect to a stored article",
    }
    moved_to = "/news/bruno-fernandes-new-contract-man-utd.html"  # on the site, not in the feed
    site.routes["/news/moved-story"] = {"status": 301, "body": "", "headers": {"Location": moved_to}}
    feed = site.root_dir / "rss.xml"
    items = "".join(
        f"<item><title>{what}</title><link>{{{{BASE}}}}{path}</link></item>" for path, what in extra.items()
    )
    feed.write_text(feed.read_text().replace("</channel>", items + "</channel>"))
    crawl = ["crawl", "--feed", site.url("rss.xml"), "--db", str(db), *FAST]
    first = run_cli(*crawl)
    assert first.returncode == 0, first.stderr
    outcomes = {row["url"].split("/", 3)[3]: row for row in sqlite_utils.Database(db)["listed_urls"].rows}
    assert {path: row["outcome"] for path, row in outcomes.items()} == {
        "news/removed-story": "failed",
        "tables/premier-league.html": "skipped",
        "news/moved-story": "stored",
    }

    # The feed changes (a new build date), so it is read in full: still nothing listed is fetched.
    feed.write_text(feed.read_text().replace("<lastBuildDate>", "<lastBuildDate>Sat, 21 Mar 2026 08:00:00 +0000 x"))
    before = len(site.log)
    second = run_cli(*crawl)
    assert second.returncode == 0, second.stderr
    assert [entry["path"] for entry in site.log[before:] if entry["path"] != "/robots.txt"] == ["/rss.xml"]
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/already_stored"] == len(FEED_ARTICLES) + 1  # the moved story among them
    assert stats["rumourcrawl/known_failed"] == 1
    assert stats["rumourcrawl/known_skipped"] == 1

    # With RUMOURCRAWL_RECHECK_DAYS=0 they are tried again (the redirect stays known: its article is stored).
    before = len(site.log)
    feed.write_text(feed.read_text() + "\n")
    third = run_cli(*crawl, "-s", "RUMOURCRAWL_RECHECK_DAYS=0")
    assert third.returncode == 0, third.stderr
    fetched = sorted(entry["path"] for entry in site.log[before:] if entry["path"] not in ("/robots.txt", "/rss.xml"))
    assert fetched == ["/news/removed-story", "/tables/premier-league.html"]


def test_an_unchanged_sitemap_index_still_leads_to_its_changed_children(site, tmp_path):
    db = tmp_path / "rumours.db"
    (site.root_dir / "sitemap-index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <sitemap><loc>{{BASE}}/news-sitemap.xml</loc></sitemap>\n"
        "</sitemapindex>\n"
    )
    _write_sitemap(site.root_dir, {FEED_ORDER[0]: "2026-01-01"})
    crawl = ["crawl", "--sitemap", site.url("sitemap-index.xml"), "--db", str(db), *FAST]
    first = run_cli(*crawl)
    assert first.returncode == 0, first.stderr
    assert _fetched_paths(db) == [FEED_ORDER[0]]

    before = len(site.log)
    unchanged = run_cli(*crawl)
    assert unchanged.returncode == 0, unchanged.stderr
    statuses = {entry["path"]: entry["status"] for entry in site.log[before:] if entry["path"] != "/robots.txt"}
    assert statuses == {"/sitemap-index.xml": 200, "/news-sitemap.xml": 304}

    _write_sitemap(site.root_dir, {FEED_ORDER[0]: "2026-01-01", FEED_ORDER[1]: "2026-01-02"})
    grown = run_cli(*crawl)
    assert grown.returncode == 0, grown.stderr
    assert _fetched_paths(db) == sorted(FEED_ORDER[:2])


def test_a_feed_entry_updated_after_we_fetched_it_is_fetched_again(site, tmp_path):
    db = tmp_path / "rumours.db"
    atom = site.root_dir / "updates.atom"

    def write_feed(updated: dict[str, str]) -> None:
        entries = "".join(
            f"<entry><title>{path}</title><id>{path}</id><link href='{{{{BASE}}}}/{path}'/>"
            f"<published>2026-01-01T08:00:00Z</published><updated>{when}</updated></entry>"
            for path, when in updated.items()
        )
        atom.write_text(
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Updates</title><id>updates</id><updated>2026-01-01T08:00:00Z</updated>{entries}</feed>"
        )

    write_feed({FEED_ORDER[0]: "2026-01-01T08:00:00Z", FEED_ORDER[1]: "2026-01-01T08:00:00Z"})
    crawl = ["crawl", "--feed", site.url("updates.atom"), "--db", str(db), *FAST]
    assert run_cli(*crawl).returncode == 0
    assert last_run_stats(db)["articles_new"] == 2

    soon = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_feed({FEED_ORDER[0]: soon, FEED_ORDER[1]: "2026-01-01T08:00:00Z"})
    before = len(site.log)
    assert run_cli(*crawl).returncode == 0
    assert [e["path"] for e in site.log[before:] if e["path"].startswith("/news/")] == ["/" + FEED_ORDER[0]]
    run = last_run_stats(db)
    assert (run["articles_new"], run["articles_updated"]) == (0, 1)


def test_a_redirected_feed_is_still_asked_conditionally(site, tmp_path):
    db = tmp_path / "rumours.db"
    site.routes["/old-feed.xml"] = {"status": 301, "body": "", "headers": {"Location": "/rss.xml"}}
    crawl = ["crawl", "--feed", site.url("old-feed.xml"), "--db", str(db), *FAST]
    assert run_cli(*crawl).returncode == 0
    assert sqlite_utils.Database(db)["feed_state"].get(site.url("old-feed.xml"))["etag"]
    before = len(site.log)
    assert run_cli(*crawl).returncode == 0
    requests = [(e["path"], e["status"], bool(e["if_none_match"])) for e in site.log[before:]]
    expected = [("/old-feed.xml", 301, True), ("/rss.xml", 304, True)]
    assert [r for r in requests if r[0] != "/robots.txt"] == expected
