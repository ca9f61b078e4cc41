import csv
import re

import pytest

from conftest import FIXTURES, run_scrapy
from rumourcrawl.sites import SiteConfigError, all_sites, looks_like_article_url, site_for_url, site_from_dict

SAVED_URLS = {
    row["file"]: row["url"] for row in csv.DictReader((FIXTURES / "pages" / "urls.tsv").open(), delimiter="\t")
}

# Real article URLs recorded with the saved pages, and the configured site each belongs to.
REAL_ARTICLES = {
    "evening_standard": [
        SAVED_URLS["fundus_uk_EveningStandard_2024_05_02.html"],
        SAVED_URLS["fundus_uk_EveningStandard_2024_07_01.html"],
    ],
    "the_sun": [SAVED_URLS["fundus_uk_TheSun_2024_04_22.html"]],
    "the_independent": [SAVED_URLS["fundus_uk_TheIndependent_2023_08_14.html"]],
    "football365": ["https://www.football365.com/news/klopp-real-madrid-haaland-perez-exits"],
}
NOT_ARTICLES = {
    "evening_standard": ["https://www.standard.co.uk/sport/football", "https://www.standard.co.uk/topic/chelsea"],
    "the_sun": ["https://www.thesun.co.uk/sport/football/", "https://www.thesun.co.uk/topic/man-city/"],
    "the_independent": ["https://www.independent.co.uk/sport/football"],
    "football365": [
        "https://www.football365.com/news",
        "https://www.football365.com/news/page/2",
        "https://www.football365.com/premier-league/table",
    ],
}


def test_every_config_loads_with_sources():
    sites = all_sites()
    assert "football365" in sites
    for site in sites.values():
        assert site.outlet and site.domains
        assert site.feeds or site.sitemaps or site.sections
        for url in (*site.feeds, *site.sitemaps, *site.sections):
            assert url.startswith("https://") and site.in_domains(url), (site.name, url)


@pytest.mark.parametrize("name", sorted(REAL_ARTICLES))
def test_article_patterns_match_real_urls_only(name):
    site = all_sites()[name]
    for url in REAL_ARTICLES[name]:
        assert site.is_article_url(url), url
        assert site_for_url(url) is site
    for url in NOT_ARTICLES[name]:
        assert not site.is_article_url(url), url


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
