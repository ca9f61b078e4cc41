import re
from datetime import date

import pytest

from conftest import run_scrapy
from rumourcrawl.sites import (
    SiteConfigError,
    all_sites,
    dated_url,
    looks_like_article_url,
    site_for_url,
    site_from_dict,
)

SITES = sorted(all_sites())


def test_at_least_twelve_outlets():
    assert len(SITES) >= 12, SITES


@pytest.mark.parametrize("name", SITES)
def test_every_config_loads_with_checked_sources(name):
    site = all_sites()[name]
    assert site.outlet and site.domains and site.tier
    assert site.feeds or site.sitemaps or site.sections
    for url in (*site.feeds, *site.sitemaps, *site.sections):
        assert dated_url(url).startswith("https://") and site.in_domains(url), (site.name, url)
    # Each config says where its sources come from: a checked reference (with its commit) or "unchecked".
    assert site.provenance and re.search(r"fundus@[0-9a-f]{40}|[Uu]nchecked", site.provenance)
    assert site.article_patterns, "an outlet needs URL patterns to keep its football articles only"


@pytest.mark.parametrize("name", SITES)
def test_article_patterns_match_football_articles_only(name):
    site = all_sites()[name]
    assert site.example_articles and site.example_non_articles, "give [examples] articles and not_articles"
    for url in site.example_articles:
        assert site.is_article_url(url), url
        assert site_for_url(url) is site
    for url in site.example_non_articles:
        assert not site.is_article_url(url), url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.theguardian.com/football/live/2024/may/19/arsenal-v-everton-live",
        "https://www.mirror.co.uk/sport/football/news/arsenal-everton-live-updates-32676317",
        "https://www.express.co.uk/sport/football/1924699/arsenal-quiz",
        "https://www.dailystar.co.uk/sport/football/arsenal-betting-tips-odds-37041208",
        "https://www.telegraph.co.uk/football/2024/09/15/arsenal-everton-match-report/",
        "https://www.telegraph.co.uk/football/2024/09/15/arsenal-everton-player-ratings/",
        "https://inews.co.uk/sport/football/arsenal-in-pictures-2580837",
    ],
)
def test_live_blogs_galleries_quizzes_betting_and_match_reports_are_left_out(url):
    site = site_for_url(url)
    assert site is not None and not site.is_article_url(url)


def test_liverpool_is_not_live_and_against_the_odds_is_not_betting():
    site = all_sites()["daily_mirror"]
    assert site.is_article_url("https://www.mirror.co.uk/sport/football/transfer-news/liverpool-striker-bid-32676317")
    assert site.is_article_url("https://www.mirror.co.uk/sport/football/news/leicester-defy-the-odds-again-32676318")


def test_dated_sitemap_url():
    assert dated_url("https://inews.co.uk/sitemap.xml?yyyy={yyyy}&mm={mm}&dd={dd}", date(2026, 3, 4)) == (
        "https://inews.co.uk/sitemap.xml?yyyy=2026&mm=03&dd=04"
    )


def test_generic_article_url_heuristic():
    assert looks_like_article_url("https://terracegazette.example/football/haaland-agrees-terms-real-madrid")
    assert looks_like_article_url("https://www.kicker.de/x-1019241/artikel")
    assert not looks_like_article_url("https://terracegazette.example/tag/real-madrid")
    assert not looks_like_article_url("https://terracegazette.example/")
    assert not looks_like_article_url("https://terracegazette.example/files/fixtures-list-2026.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Bad Name"}, "'name'"),
        ({"name": "ok", "feeds": "not-a-list-but-ok", "article_patterns": ["("]}, "bad regex"),
        ({"name": "ok", "domains": [1, 2]}, "'domains'"),
        ({"name": "ok", "feed": ["https://x.example/rss"]}, "unknown key(s) feed"),
        ({"name": "ok", "tier": "two"}, "'tier'"),
        ({"name": "ok", "examples": ["x"]}, "'examples' must be a table"),
    ],
)
def test_bad_site_config_is_rejected_clearly(data, message):
    with pytest.raises(SiteConfigError, match=re.escape(message)):
        site_from_dict(data)


def test_scrapy_list_shows_every_configured_outlet():
    result = run_scrapy("list")
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    assert "news" in names
    assert set(all_sites()) <= set(names)
    assert len(names) == len(set(names)), "a spider name is listed twice"
