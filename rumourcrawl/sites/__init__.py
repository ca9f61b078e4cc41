"""Outlets as data: one TOML file per site in this folder.

A new outlet is a TOML file (plus a saved page under tests/fixtures/pages/ and its golden JSON),
not a new module. Keys (all optional except name):

    name = "football365"               # spider name: `scrapy crawl football365`
    outlet = "Football365"             # shown in the articles table
    domains = ["football365.com"]      # allowed domains (subdomains included)
    feeds = ["https://…/feed"]         # RSS/Atom feeds, or sitemaps: detected from the content
    sitemaps = ["https://…/news-sitemap.xml"]
    robots_sitemaps = true             # also read the Sitemap: lines of robots.txt
    sections = ["https://…/transfer-news"]   # section pages whose links are followed once
    article_patterns = ['^https://…/news/[^/]+$']   # regexes an article URL must match
    exclude_patterns = ['/live/']      # regexes that rule a URL out
    tier = 3                           # the outlet's reliability tier (1 = most reliable)
    provenance = "…"                   # where the feed/sitemap URLs come from (a checked reference, or "unchecked")
    [cleaning]
    drop_selectors = ["aside.related"] # CSS selectors removed before extraction
    promo_labels = ["F365 SAYS"]       # extra promo labels besides the generic ones
    [examples]                         # URL shapes the patterns must accept / refuse (tests/test_sites.py)
    articles = ["https://…/news/some-transfer-story"]
    not_articles = ["https://…/news/page/2"]

Feed and sitemap URLs may hold {yyyy}, {mm} and {dd}: today's date (UTC) when the crawl starts, for
sites that publish one news sitemap per day.

Configured outlets (those with article_patterns) also leave out live blogs, galleries, videos,
quizzes, betting and TV-guide pages and match reports by their URL (DEFAULT_EXCLUDES).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from rumourcrawl.extract.article import CleaningRules

SITES_DIR = Path(__file__).resolve().parent


class SiteConfigError(ValueError):
    pass


# URL words that mark pages this project does not want from an outlet: live blogs, galleries,
# videos, quizzes, betting/TV-guide pages and match reports. A word counts between - or / only, so
# "liverpool" or "oddsen" are not "live" or "odds".
DEFAULT_EXCLUDES = (
    r"[/-](?:live|as-it-happened|minute-by-minute)(?=[/-]|$|\.html)",
    r"[/-](?:gallery|galleries|in-pictures|pictures|photos)(?=[/-]|$|\.html)",
    r"/(?:av|video|videos|watch|podcasts?|audio)/",
    r"[/-]quiz(?:zes)?(?=[/-]|$|\.html)",
    r"[/-](?:betting|bet|bets|free-bets|betting-offers|bookmakers?|acca|predictions?|how-to-watch|live-stream|tv-channel)"
    r"(?=[/-]|$|\.html)",
    r"[/-]match-report(?=[/-]|$|\.html)",
    r"[/-]player-ratings(?=[/-]|$|\.html)",
)
_DEFAULT_EXCLUDE = re.compile("|".join(DEFAULT_EXCLUDES), re.I)
_KEYS = {
    "name",
    "outlet",
    "domains",
    "feeds",
    "sitemaps",
    "robots_sitemaps",
    "sections",
    "article_patterns",
    "exclude_patterns",
    "tier",
    "provenance",
    "cleaning",
    "examples",
}


@dataclass(frozen=True)
class Site:
    name: str
    outlet: str | None = None
    domains: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = False
    sections: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    tier: int | None = None
    provenance: str | None = None
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    example_articles: tuple[str, ...] = ()
    example_non_articles: tuple[str, ...] = ()

    def is_excluded(self, url: str) -> bool:
        """Ruled out by the site's exclude_patterns or, for a configured outlet, by DEFAULT_EXCLUDES."""
        if any(re.search(pattern, url) for pattern in self.exclude_patterns):
            return True
        return bool(self.article_patterns) and bool(_DEFAULT_EXCLUDE.search(urlsplit(url).path))

    def is_article_url(self, url: str) -> bool:
        if self.is_excluded(url):
            return False
        if self.article_patterns:
            return any(re.search(pattern, url) for pattern in self.article_patterns)
        return looks_like_article_url(url)

    def in_domains(self, url: str) -> bool:
        if not self.domains:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


# Paths that are never articles, whatever the site.
_NON_ARTICLE = re.compile(
    r"/(?:tag|tags|topic|topics|author|authors|category|categories|search|login|register|account|"
    r"subscribe|newsletter|privacy|cookies?|terms|about|contact|video|videos|gallery|galleries|"
    r"live-scores?|fixtures|results|tables?|standings|page/\d+)(?:/|$)|\.(?:jpe?g|png|gif|webp|svg|pdf|mp4|mp3|"
    r"zip|css|js|xml|rss|json)$",
    re.I,
)


def looks_like_article_url(url: str) -> bool:
    """For outlets with no configured patterns: a path whose last part is a slug or an id."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _NON_ARTICLE.search(parts.path):
        return False
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return False
    last = re.sub(r"\.(?:s?html?|php|aspx?)$", "", segments[-1], flags=re.I)
    words = [w for w in re.split(r"[-_]", last) if w]
    return len(words) >= 3 or bool(re.search(r"\d{5,}", parts.path))


def dated_url(url: str, day: date | None = None) -> str:
    """Fill {yyyy}, {mm}, {dd} in a feed or sitemap URL with a day (today, UTC, by default)."""
    day = day or datetime.now(UTC).date()
    return (
        url.replace("{yyyy}", f"{day.year:04d}").replace("{mm}", f"{day.month:02d}").replace("{dd}", f"{day.day:02d}")
    )


def _tuple(data: dict, key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SiteConfigError(f"{path.name}: '{key}' must be a list of strings")
    return tuple(value)


def site_from_dict(data: dict, path: Path = Path("<dict>")) -> Site:
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise SiteConfigError(f"{path.name}: 'name' must be lower-case letters, digits and underscores")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SiteConfigError(f"{path.name}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    tier = data.get("tier")
    if tier is not None and (not isinstance(tier, int) or isinstance(tier, bool) or not 1 <= tier <= 4):
        raise SiteConfigError(f"{path.name}: 'tier' must be a whole number from 1 to 4")
    for key in ("article_patterns", "exclude_patterns"):
        for pattern in _tuple(data, key, path):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SiteConfigError(f"{path.name}: bad regex in '{key}': {pattern!r}: {exc}") from exc
    cleaning = data.get("cleaning", {})
    examples = data.get("examples", {})
    for key, value in (("cleaning", cleaning), ("examples", examples)):
        if not isinstance(value, dict):
            raise SiteConfigError(f"{path.name}: '{key}' must be a table ([{key}])")
    outlet = data.get("outlet")
    return Site(
        name=name,
        outlet=outlet,
        domains=tuple(d.lower() for d in _tuple(data, "domains", path)),
        feeds=_tuple(data, "feeds", path),
        sitemaps=_tuple(data, "sitemaps", path),
        robots_sitemaps=bool(data.get("robots_sitemaps", False)),
        sections=_tuple(data, "sections", path),
        article_patterns=_tuple(data, "article_patterns", path),
        exclude_patterns=_tuple(data, "exclude_patterns", path),
        tier=tier,
        provenance=data.get("provenance"),
        example_articles=_tuple(examples, "articles", path),
        example_non_articles=_tuple(examples, "not_articles", path),
        cleaning=CleaningRules(
            drop_selectors=_tuple(cleaning, "drop_selectors", path),
            promo_labels=_tuple(cleaning, "promo_labels", path),
            outlet=outlet,
        ),
    )


def load_site(path: Path) -> Site:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{path.name}: {exc}") from exc
    return site_from_dict(data, path)


@lru_cache(maxsize=1)
def all_sites() -> dict[str, Site]:
    sites = {}
    for path in sorted(SITES_DIR.glob("*.toml")):
        site = load_site(path)
        if site.name in sites:
            raise SiteConfigError(f"{path.name}: site name {site.name!r} is used twice")
        sites[site.name] = site
    return sites


def site_for_url(url: str) -> Site | None:
    """The configured site whose domains hold this URL (for `rumourcrawl extract URL`)."""
    for site in all_sites().values():
        if site.domains and site.in_domains(url):
            return site
    return None
