"""Blocked or changed sites are visible: in crawl_runs, in the log and in one stderr line per run."""

import json
import shutil

import pytest

from conftest import FIXTURES, last_run_stats, run_cli
from rumourcrawl.health import run_health
from rumourcrawl.snapshot_server import SnapshotServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=0"]
PAGE = "fundus_uk_EveningStandard_2024_05_02.html"


@pytest.fixture(scope="module")
def troubled_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("troubled")
    (root / "news").mkdir()
    shutil.copy(FIXTURES / "pages" / PAGE, root / "news" / "chelsea-send-clear-message.html")
    item = "<item><title>{0}</title><link>{{{{BASE}}}}/news/{0}.html</link></item>"
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + item.format("chelsea-send-clear-message")
        + item.format("arsenal-rate-limited-story")
        + "</channel></rss>",
        encoding="utf-8",
    )
    (root / "offsite.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><link>https://elsewhere.example/news/moved-to-another-site</link></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    (root / "section.html").write_text(
        "<html><body><nav><a href='/about'>About</a> <a href='/contact'>Contact</a></nav></body></html>",
        encoding="utf-8",
    )
    (root / "section-with-story.html").write_text(
        "<html><body><a href='/about'>About</a> <a href='/news/chelsea-send-clear-message.html'>Chelsea</a>"
        " <a href='/news/arsenal-everton-live-updates.html'>Live: Arsenal v Everton</a>"
        "</body></html>",
        encoding="utf-8",
    )
    routes = {
        "/blocked.xml": {"status": 403, "body": "Forbidden"},
        "/news/arsenal-rate-limited-story.html": {"status": 429, "body": "Too Many Requests"},
    }
    (root / "_routes.json").write_text(json.dumps(routes), encoding="utf-8")
    with SnapshotServer(root) as server:
        yield server


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("rumourcrawl:")]


def test_a_site_that_answers_403_fails_with_one_line_saying_why(troubled_site, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli("crawl", "--feed", troubled_site.url("blocked.xml"), "--db", str(db), *FAST)
    assert result.returncode == 1
    lines = _warnings(result.stderr)
    assert len(lines) == 1 and "news failed" in lines[0] and "HTTP 403 × 1" in lines[0], result.stderr
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/health"] == "blocked" and "HTTP 403" in stats["rumourcrawl/warning"]


def test_rate_limited_articles_warn_while_the_rest_is_stored(troubled_site, tmp_path):
    db = tmp_path / "rumours.db"
    result = run_cli("crawl", "--feed", troubled_site.url("rss.xml"), "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    lines = _warnings(result.stderr)
    assert lines == [
        "rumourcrawl: warning: news refused this crawler (HTTP 429 × 1; 1 articles stored): the site may block "
        "crawlers or rate-limit us; rumourcrawl does not pretend to be a browser"
    ]
    run = last_run_stats(db)
    assert run["articles_new"] == 1 and run["stats"]["rumourcrawl/health"] == "blocked"
    # The User-Agent stays honest: rumourcrawl's own, never a browser's.
    agents = {entry.get("user_agent") for entry in troubled_site.log if entry.get("user_agent")}
    assert agents and all(agent.startswith("rumourcrawl/") for agent in agents)


@pytest.mark.parametrize(
    ("arguments", "listing"),
    [
        (["--section", "section.html"], "section.html"),  # a section page whose article links are gone
    ],
)
def test_a_listing_that_names_no_article_is_a_warning(troubled_site, tmp_path, arguments, listing):
    db = tmp_path / "rumours.db"
    args = [arguments[0], troubled_site.url(arguments[1])]
    result = run_cli("crawl", *args, "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    lines = _warnings(result.stderr)
    assert len(lines) == 1 and "listed no article" in lines[0] and listing in lines[0], result.stderr
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/health"] == "no_articles" and stats["rumourcrawl/listings_empty"] == 1


def test_an_outlet_feed_whose_links_left_the_site_is_a_warning(troubled_site, tmp_path):
    from conftest import run_scrapy

    db = tmp_path / "rumours.db"
    result = run_scrapy(
        "crawl", "the_sun", "-a", f"feeds={troubled_site.url('offsite.xml')}", "-s", f"RUMOURCRAWL_DB={db}", *FAST
    )
    assert result.returncode == 0, result.stderr
    assert "listed no article" in result.stderr  # Scrapy's log
    assert last_run_stats(db)["stats"]["rumourcrawl/health"] == "no_articles"


def test_health_of_a_good_run_is_ok():
    assert run_health("x", {"rumourcrawl/articles_new": 3, "rumourcrawl/feeds": 1}) == ("ok", None)


def test_a_section_given_to_an_outlet_spider_gives_its_article_links(troubled_site, tmp_path):
    from conftest import run_scrapy

    db = tmp_path / "rumours.db"
    section = troubled_site.url("section-with-story.html")
    result = run_scrapy("crawl", "the_sun", "-a", f"sections={section}", "-s", f"RUMOURCRAWL_DB={db}", *FAST)
    assert result.returncode == 0, result.stderr
    run = last_run_stats(db)
    assert run["articles_new"] == 1 and run["stats"]["rumourcrawl/health"] == "ok"
    requested = [path for _method, path, _status in troubled_site.requests]
    assert "/about" not in requested  # not an article link
    assert "/news/arsenal-everton-live-updates.html" not in requested  # a live blog: excluded by URL
