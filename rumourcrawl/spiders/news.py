"""The one generic news spider. Outlets differ only by their Site configuration.

Discovery: feeds (RSS/Atom), sitemaps (news sitemaps and sitemap indexes, also found through
robots.txt) and section pages lead to article URLs; each article page becomes a CrawledPage item
for the pipelines, which clean, extract, dedupe and store it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import feedparser
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from rumourcrawl import store
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.items import CrawledPage
from rumourcrawl.sites import Site

_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _split_urls(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(u.strip() for u in items if u.strip())


class NewsSpider(scrapy.Spider):
    """`scrapy crawl news -a feeds=URL[,URL…]` crawls any feed or sitemap with no configuration.

    Other arguments: sitemaps=, sections= (section pages), urls= (article pages), site=NAME (use a
    configured outlet's rules), refetch=1 (fetch stored articles again).
    """

    name = "news"
    site: Site | None = None  # set on the per-outlet subclasses

    def __init__(self, *args, feeds=None, sitemaps=None, sections=None, urls=None, site=None, refetch=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site and self.site is None:
            from rumourcrawl.sites import all_sites

            try:
                self.site = all_sites()[site]
            except KeyError:
                raise ValueError(f"unknown site {site!r}; configured: {', '.join(sorted(all_sites()))}") from None
        configured = self.site or Site(name="news")
        self.feeds = _split_urls(feeds) or configured.feeds
        self.sitemaps = _split_urls(sitemaps) or configured.sitemaps
        self.sections = _split_urls(sections) or configured.sections
        self.article_urls = _split_urls(urls)
        self.refetch_arg = refetch
        if not (self.feeds or self.sitemaps or self.sections or self.article_urls):
            raise ValueError("nothing to crawl: give feeds=URL[,URL…] (or sitemaps=, sections=, urls=)")
        self.rules = configured
        if configured.domains:
            self.allowed_domains = list(configured.domains)
        self.known_urls: set[str] = set()
        self.articles_requested = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.refetch = settings.getbool("RUMOURCRAWL_REFETCH") or spider.refetch_arg in ("1", "true", "yes", True)
        spider.max_articles = settings.getint("RUMOURCRAWL_MAX_ARTICLES")
        if not spider.refetch:
            spider.known_urls = store.known_urls(settings.get("RUMOURCRAWL_DB"))
        return spider

    # ---- start -------------------------------------------------------------------------------

    async def start(self):
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[scrapy.Request]:
        for url in (*self.feeds, *self.sitemaps):
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, meta={"kind": "feed"})
        if self.rules.robots_sitemaps:
            for root in {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in (*self.feeds, *self.sections)}:
                yield scrapy.Request(
                    f"{root}/robots.txt", callback=self.parse_robots, errback=self.on_error, meta={"kind": "robots"}
                )
        for url in self.sections:
            yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error, meta={"kind": "section"})
        for url in self.article_urls:
            yield from self._article_request(url, {}, check_pattern=False)

    # ---- discovery ---------------------------------------------------------------------------

    def parse_robots(self, response: Response):
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, meta={"kind": "feed"})

    def parse_feed(self, response: Response):
        """An RSS/Atom feed, a sitemap or a sitemap index: told apart by the content."""
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served without Content-Encoding
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError as exc:
                self._count_error("feed_malformed", response.url, f"bad gzip: {exc}")
                return
        if _SITEMAP_ROOT.search(body[:2048]):
            yield from self._parse_sitemap(response, body)
        else:
            yield from self._parse_rss(response, body)

    def _parse_sitemap(self, response: Response, body: bytes):
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # lxml raises several types on broken XML
            self._count_error("feed_malformed", response.url, f"unreadable sitemap: {exc}")
            return
        self.crawler.stats.inc_value("rumourcrawl/sitemaps")
        if sitemap.type == "sitemapindex":
            for entry in entries:
                yield response.follow(
                    entry["loc"], callback=self.parse_feed, errback=self.on_error, meta={"kind": "feed"}
                )
            return
        for entry in entries:
            news = entry.get("news") or {}
            hints = {
                "published": news.get("publication_date") or entry.get("lastmod"),
                "title": news.get("title"),
                "found_in": response.url,
            }
            yield from self._article_request(urljoin(response.url, entry["loc"]), hints, listed=True)

    def _parse_rss(self, response: Response, body: bytes):
        headers = {
            "content-location": response.url,
            "content-type": response.headers.get(b"Content-Type", b"application/xml").decode("latin-1"),
        }
        feed = feedparser.parse(body, response_headers=headers)
        if not feed.entries:
            reason = feed.get("bozo_exception") or "no entries"
            self._count_error("feed_malformed", response.url, f"unreadable feed: {reason}")
            return
        if feed.bozo:
            self.logger.warning(
                "Feed %s is malformed (%s); using the %d entries that parsed",
                response.url,
                feed.bozo_exception,
                len(feed.entries),
            )
        self.crawler.stats.inc_value("rumourcrawl/feeds")
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                continue
            hints = {
                "published": entry.get("published") or entry.get("updated"),
                "title": entry.get("title"),
                "found_in": response.url,
            }
            yield from self._article_request(urljoin(response.url, link), hints, listed=True)

    def parse_section(self, response: Response):
        if not isinstance(response, TextResponse):
            self._count_error("not_html", response.url, "section page is not HTML")
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#")[0]
            if urlsplit(url).netloc == urlsplit(response.url).netloc:
                yield from self._article_request(url, {"found_in": response.url})

    def _article_request(self, url: str, hints: dict, check_pattern: bool = True, listed: bool = False):
        """A request for an article page, unless the URL is ruled out, stored already or over the cap.

        `listed` URLs come from a feed or sitemap, which list articles: without configured patterns
        they are all taken. Links from section pages must look like articles.
        """
        if check_pattern:
            if not self.rules.in_domains(url):
                return
            if (self.rules.article_patterns or not listed) and not self.rules.is_article_url(url):
                return
        if url in self.known_urls or canonical_url(url) in self.known_urls:
            self.crawler.stats.inc_value("rumourcrawl/already_stored")
            return
        if self.max_articles and self.articles_requested >= self.max_articles:
            self.crawler.stats.inc_value("rumourcrawl/over_page_cap")
            return
        self.articles_requested += 1
        yield scrapy.Request(
            url, callback=self.parse_article, errback=self.on_error, meta={"kind": "article", "hints": hints}
        )

    # ---- articles ----------------------------------------------------------------------------

    def parse_article(self, response: Response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (content_type and not any(t in content_type for t in _HTML_TYPES)):
            self._count_skip("not_html", response.url, f"not an HTML page ({content_type or 'no type'})")
            return
        yield CrawledPage(
            url=response.url,
            body=response.body,
            content_type=content_type,
            status=response.status,
            site=self.site.name if self.site else None,
            hints=response.meta.get("hints", {}),
        )

    # ---- errors ------------------------------------------------------------------------------

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt said no (or another middleware filtered it): polite, not a fault
            self.crawler.stats.inc_value("rumourcrawl/ignored")
            self.logger.info("Not fetched %s: %s", request.url, failure.getErrorMessage())
        elif failure.check(HttpError):
            status = failure.value.response.status
            self._count_error(f"http_{status}", request.url, f"HTTP {status}")
        else:
            self._count_error(failure.type.__name__, request.url, failure.getErrorMessage())

    def _count_error(self, reason: str, url: str, message: str) -> None:
        self.crawler.stats.inc_value("rumourcrawl/errors")
        self.crawler.stats.inc_value(f"rumourcrawl/errors/{reason}")
        self.logger.error("Error on %s: %s", url, message)

    def _count_skip(self, reason: str, url: str, message: str) -> None:
        self.crawler.stats.inc_value("rumourcrawl/skipped")
        self.crawler.stats.inc_value(f"rumourcrawl/skipped/{reason}")
        self.logger.warning("Skipped %s: %s", url, message)
