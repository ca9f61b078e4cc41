"""Real crawls: the Scrapy engine over HTTP on loopback, into temporary SQLite files."""

import sqlite_utils

from conftest import last_run_stats, run_cli, run_scrapy

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=0"]


def _articles(db_path):
    return {row["url"]: row for row in sqlite_utils.Database(db_path)["articles"].rows}


def _log(db_path):
    """Not on a terminal, `rumourcrawl crawl` logs to crawl.log beside the database."""
    return (db_path.parent / "crawl.log").read_text(encoding="utf-8")


def test_feed_crawl_stores_articles_and_is_incremental(demo_server, tmp_path):
    db = tmp_path / "rumours.db"
    first = run_cli("crawl", "--feed", demo_server.url("rss.xml"), "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    articles = _articles(db)
    assert len(articles) == 8  # the feed lists eight articles
    seed = articles["https://football365.com/news/klopp-real-madrid-haaland-perez-exits"]  # canonical: no www
    assert seed["author"] == "F365 Staff"
    assert seed["published"].startswith("2026-02-04")
    assert seed["outlet"] == "Football365"
    assert "READ:" not in seed["text"] and "MAILBOX:" not in seed["text"]
    assert seed["fetched_url"] == demo_server.url("news/klopp-real-madrid-haaland-perez-exits.html")
    assert "8 articles stored" in first.stdout

    # Second run: the feed is unchanged (a conditional GET answered 304), so no article page is fetched.
    before = len(demo_server.paths_requested())
    second = run_cli("crawl", "--feed", demo_server.url("rss.xml"), "--db", str(db), *FAST)
    assert second.returncode == 0, second.stderr
    fetched = demo_server.paths_requested()[before:]
    assert not [p for p in fetched if p.startswith("/news/")], fetched
    assert len(_articles(db)) == 8
    assert last_run_stats(db)["stats"]["rumourcrawl/feeds_not_modified"] == 1
    assert "1 unchanged listings" in second.stdout
    assert second.stderr == ""  # cron mails whatever reaches stderr: a healthy run says nothing there

    # With --refetch the feed is fetched in full; every listed article is fetched again.
    third = run_cli("crawl", "--refetch", "--feed", demo_server.url("rss.xml"), "--db", str(db), *FAST)
    assert third.returncode == 0, third.stderr
    assert last_run_stats(db)["articles_updated"] == 8


def test_refetch_updates_rows_in_place(demo_server, tmp_path):
    db = tmp_path / "rumours.db"
    for _ in range(2):
        result = run_cli("crawl", "--refetch", "--feed", demo_server.url("rss.xml"), "--db", str(db), *FAST)
        assert result.returncode == 0, result.stderr
    database = sqlite_utils.Database(db)
    assert database["articles"].count == 8
    runs = list(database.query("SELECT articles_new, articles_updated FROM crawl_runs ORDER BY id"))
    assert runs == [{"articles_new": 8, "articles_updated": 0}, {"articles_new": 0, "articles_updated": 8}]
    rows = list(database.query("SELECT first_fetched <= last_fetched AS ordered FROM articles"))
    assert all(r["ordered"] for r in rows)


def test_sitemap_and_section_crawl_counts_every_bad_page(demo_server, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli(
        "crawl",
        "--sitemap",
        demo_server.url("sitemap.xml"),
        "--section",
        demo_server.url("/"),
        "--db",
        str(db),
        *FAST,
    )
    assert result.returncode == 0, result.stderr
    articles = _articles(db)
    # 13 articles plus the truncated page, which still holds an article's worth of text.
    assert len(articles) == 14
    fetched = [row["fetched_url"] for row in articles.values()]
    assert not [u for u in fetched if "/tables/" in u or u.endswith("/news/index.html") or "/broken/empty" in u]
    assert [u for u in fetched if u.endswith("/broken/truncated.html")]
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/skipped/empty"] == 1
    assert stats["rumourcrawl/skipped/not_html"] == 2  # the PDF and the octet-stream page
    assert stats["rumourcrawl/skipped/no_text"] == 1  # a gallery page: an article with no text
    assert stats["rumourcrawl/skipped/not_article"] == 2  # section front and league table
    assert stats["rumourcrawl/errors/http_500"] == 1
    assert stats["rumourcrawl/errors/http_410"] == 1
    # Logged, each with its reason.
    log = _log(db)
    assert "Skipped" in log and "empty page" in log
    assert "HTTP 500" in log
    # robots.txt disallows /private/: never fetched, never stored.
    assert "/private/secret-transfer-list.html" not in demo_server.paths_requested()
    assert not any("secret" in u for u in articles)


def test_real_saved_pages_over_rss_atom_and_gzipped_sitemap_index(fixture_server, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli(
        "crawl",
        "--feed",
        fixture_server.url("feeds/real-pages.rss"),
        "--feed",
        fixture_server.url("feeds/german.atom"),
        "--sitemap",
        fixture_server.url("feeds/sitemap-index.xml"),
        "--db",
        str(db),
        *FAST,
    )
    assert result.returncode == 0, result.stderr
    articles = _articles(db)
    by_outlet = {}
    for row in articles.values():
        by_outlet.setdefault(row["outlet"], []).append(row)
    assert len(by_outlet["Evening Standard"]) == 2
    assert {"The Sun", "The Independent", "kicker", "BILD", "sportschau.de", "laola1.at", "Libero.pe"} <= set(by_outlet)
    assert {r["language"] for r in articles.values()} >= {"en", "de", "es"}
    # The sitemap index names a missing child sitemap: counted, and the rest still crawled.
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/errors/http_404"] == 1
    assert any(u.startswith("https://hertha-blog.de/") for u in articles)  # canonical: https, no www


def test_malformed_feed_fails_the_crawl_clearly(fixture_server, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli("crawl", "--feed", fixture_server.url("feeds/malformed.rss"), "--db", str(db), *FAST)
    assert result.returncode == 1
    assert "unreadable feed" in _log(db)
    assert "news failed" in result.stderr  # the one line cron mails
    assert "1 errors" in result.stdout
    assert sqlite_utils.Database(db)["articles"].count == 0
    assert last_run_stats(db)["stats"]["rumourcrawl/errors/feed_malformed"] == 1


def test_scrapy_crawl_news_with_feeds_argument(demo_server, tmp_path):
    db = tmp_path / "scrapy.db"
    result = run_scrapy(
        "crawl", "news", "-a", f"feeds={demo_server.url('rss.xml')}", "-s", f"RUMOURCRAWL_DB={db}", *FAST
    )
    assert result.returncode == 0, result.stderr
    assert sqlite_utils.Database(db)["articles"].count == 8
    assert "rumourcrawl/articles_new" in result.stderr  # Scrapy's own stats dump


def test_crawl_arguments_are_checked(tmp_path):
    nothing = run_cli("crawl", "--db", str(tmp_path / "x.db"))
    assert nothing.returncode == 2
    assert "nothing to crawl" in nothing.stderr
    unknown = run_cli("crawl", "no_such_site")
    assert unknown.returncode == 2
    assert "unknown site(s): no_such_site" in unknown.stderr
    bad_setting = run_cli("crawl", "--feed", "http://127.0.0.1:9/feed", "-s", "NOEQUALS")
    assert bad_setting.returncode == 2
    assert "NAME=VALUE" in bad_setting.stderr


def test_bad_database_url_or_setting_is_refused_before_crawling(tmp_path):
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("these are my notes, not a database")
    cases = [
        (["--feed", "http://127.0.0.1:9/feed", "--db", str(not_sqlite)], "cannot use database"),
        (["--feed", "notaurl", "--db", str(tmp_path / "a.db")], "--feed takes an http(s) URL"),
        (
            ["--feed", "http://127.0.0.1:9/feed", "--db", str(tmp_path / "b.db"), "-s", "RUMOURCRAWL_MAX_ARTICLES=abc"],
            "RUMOURCRAWL_MAX_ARTICLES must be a whole number",
        ),
        (
            [
                "--feed",
                "http://127.0.0.1:9/feed",
                "--db",
                str(tmp_path / "c.db"),
                "-s",
                "RUMOURCRAWL_EXTRACT_WORKERS=-1",
            ],
            "RUMOURCRAWL_EXTRACT_WORKERS must be a whole number",
        ),
    ]
    for arguments, message in cases:
        result = run_cli("crawl", *arguments)
        assert result.returncode == 2, arguments
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert not_sqlite.read_text() == "these are my notes, not a database"  # left as it was
