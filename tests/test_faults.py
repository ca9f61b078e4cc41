"""The web's faults, each served by the loopback fault site (tests/fixtures/faults, see its _routes.json).

One crawl over the whole site: every fault is logged with its reason and counted per run in
crawl_runs, the good pages around them are stored, and no failed page leaves a row behind.
"""

import pytest
import sqlite_utils

from conftest import FIXTURES, last_run_stats, run_cli
from rumourcrawl.snapshot_server import SnapshotServer

FAULT_SITE = FIXTURES / "faults"
# Short timeouts keep the suite quick; Retry-After: 1 is honoured (the cap is 1 s). Pacing is not
# under test here: AutoThrottle would slow the crawl after the deliberately slow responses.
SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "1",
    "DOWNLOAD_TIMEOUT": "6",  # generous: on a loaded 2-core machine a 2 s timeout also hit healthy pages
    "RUMOURCRAWL_RETRY_AFTER_MAX": "1",
}
STORED = {
    "ok.html",
    "flaky-503.html",  # 503 + Retry-After once, then fine
    "flaky-502.html",  # 502 once, then fine
    "rate-limited.html",  # 429 + Retry-After once, then fine
    "redirect-target.html",  # the end of a 301 → 302 → 307 chain
    "cp1252.html",  # cp1252 bytes declared UTF-8
    "cp1252-undeclared.html",  # cp1252 bytes, no charset anywhere
    "undated.html",
    "future-date.html",
    "relative-date.html",
}
ERRORS = {
    "http_503": 1,  # down-503: Retry-After honoured, still down after the retry
    "http_500": 1,
    "http_404": 1,
    "http_410": 1,
    "http_429": 1,  # rate-limited-forever, no Retry-After
    "redirect_loop": 1,
    "too_many_redirects": 1,
    "timeout": 1,  # slow.html answers after 9 s; the timeout is 6 s
    "truncated": 1,  # reset.html: connection reset mid-body
    "truncated_gzip": 1,
    "too_large": 2,  # a gzip bomb and a 50 MB page
}


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "rumours.db"
    with SnapshotServer(FAULT_SITE) as server:
        settings = [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]
        result = run_cli(
            "crawl",
            "--feed",
            server.url("feed.rss"),
            "--sitemap",
            server.url("bad-sitemap.xml"),
            "--db",
            str(db),
            *settings,
        )
        yield result, db, server


def test_the_crawl_goes_on_and_exits_zero(fault_crawl):
    result, db, server = fault_crawl
    assert result.returncode == 0, result.stderr
    stored = {row["url"].rsplit("/", 1)[1] for row in sqlite_utils.Database(db)["articles"].rows}
    assert stored == STORED


def test_every_fault_is_counted_in_crawl_runs(fault_crawl):
    _result, db, _server = fault_crawl
    run = last_run_stats(db)
    stats = run["stats"]
    errors = {key.rsplit("/", 1)[1]: value for key, value in stats.items() if key.startswith("rumourcrawl/errors/")}
    assert errors == ERRORS
    assert run["errors"] == sum(ERRORS.values())
    assert run["finish_reason"] == "finished"
    assert run["articles_new"] == len(STORED)
    assert stats["rumourcrawl/skipped/binary"] == 1
    assert stats["rumourcrawl/ignored"] == 1  # robots.txt disallows /private/
    assert stats["rumourcrawl/retry_after"] == 3  # flaky-503, rate-limited, the first try of down-503
    assert stats["rumourcrawl/feeds_malformed_recovered"] == 1  # the broken sitemap still gave its entries
    assert stats["rumourcrawl/charset_wrong"] == 1
    assert stats["rumourcrawl/charset_missing"] == 1
    assert stats["rumourcrawl/dates/future"] == 1
    assert stats["rumourcrawl/dates/missing"] == 2  # undated, and future-date once its date is refused
    assert stats["rumourcrawl/dates/relative"] == 1


def test_every_fault_has_a_clear_log_line(fault_crawl):
    _result, db, _server = fault_crawl
    log = (db.parent / "crawl.log").read_text(encoding="utf-8")
    for reason in ERRORS:
        assert f"({reason}" in log, reason
    assert "redirect loop: " in log and "/news/loop-a → " in log
    assert "asks to retry after 1s" in log
    assert "binary content served as text/html" in log
    assert "Wrong charset on" in log and "declared utf-8, decoded as cp1252" in log
    assert "is malformed" in log and "bad-sitemap.xml" in log
    assert "Date in the future" in log and "2099-01-01" in log
    assert "Relative date '2 hours ago'" in log
    assert "No publication date on" in log and "undated.html" in log
    assert "Forbidden by robots.txt" in log


def test_faults_leave_no_rows_and_good_pages_are_whole(fault_crawl):
    _result, db, server = fault_crawl
    database = sqlite_utils.Database(db)
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    articles = {row["url"].rsplit("/", 1)[1]: row for row in database["articles"].rows}
    assert all(len(row["text"]) > 200 for row in articles.values())
    for name in ("cp1252.html", "cp1252-undeclared.html"):
        assert "€40m budget for Müller’s successor" in articles[name]["text"]
        assert "\ufffd" not in articles[name]["text"] + articles[name]["title"]
    assert articles["future-date.html"]["published"] is None
    assert articles["undated.html"]["published"] is None
    # "2 hours ago", taken against the fetch time: two hours before the article was stored.
    from datetime import datetime, timedelta

    published = datetime.fromisoformat(articles["relative-date.html"]["published"])
    fetched = datetime.fromisoformat(articles["relative-date.html"]["first_fetched"])
    assert timedelta(hours=1, minutes=59) <= fetched - published <= timedelta(hours=2, minutes=1)
    assert articles["redirect-target.html"]["fetched_url"] == server.url("news/redirect-target.html")
    # Each rumour row belongs to a stored article, and the counts agree.
    for row in database.query(
        "SELECT a.url, a.rumour_count, COUNT(r.id) AS n FROM articles a LEFT JOIN rumours r"
        " ON r.article_url = a.url GROUP BY a.url"
    ):
        assert row["rumour_count"] == row["n"], row["url"]


def test_faults_were_retried_as_http_says(fault_crawl):
    _result, _db, server = fault_crawl
    paths = server.paths_requested()
    assert paths.count("/news/flaky-503.html") == 2
    assert paths.count("/news/rate-limited.html") == 2
    assert paths.count("/news/down-503") == 2  # RETRY_TIMES=1
    assert paths.count("/news/missing") == 1  # a 404 is not retried
    assert paths.count("/news/gone") == 1
    assert "/private/secret-shortlist.html" not in paths
    assert paths.count("/news/loop-a") == 1 and paths.count("/news/loop-b") == 1


def test_user_agent_follows_the_contact_setting(fault_crawl, tmp_path):
    _result, _db, server = fault_crawl
    before = len(server.log)
    result = run_cli(
        "crawl",
        "--url",
        server.url("news/ok.html"),
        "--db",
        str(tmp_path / "ua.db"),
        "-s",
        "RUMOURCRAWL_CONTACT=mailto:crawler-ops@example.org",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    )
    assert result.returncode == 0, result.stderr
    agents = {entry["user_agent"] for entry in server.log[before:]}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("rumourcrawl/") and "+mailto:crawler-ops@example.org" in agent

    before = len(server.log)
    explicit = run_cli(
        "crawl",
        "--url",
        server.url("news/ok.html"),
        "--db",
        str(tmp_path / "ua2.db"),
        "-s",
        "USER_AGENT=MyNewsBot/1.0 (+https://example.org/bot)",
        "-s",
        "RUMOURCRAWL_CONTACT=mailto:someone@example.org",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    )
    assert explicit.returncode == 0, explicit.stderr
    assert {entry["user_agent"] for entry in server.log[before:]} == {"MyNewsBot/1.0 (+https://example.org/bot)"}
