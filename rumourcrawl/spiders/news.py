"""The one generic news spider. Outlets differ only by their Site configuration.

Discovery: feeds (RSS/Atom), sitemaps (news sitemaps and sitemap indexes, also found through
robots.txt) and section pages lead to article URLs; each article page becomes a CrawledPage item
for the pipelines, which clean, extract, dedupe and store it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from rumourcrawl import __version__, store
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.items import CrawledPage
from rumourcrawl.middlewares import BadResponse
from rumourcrawl.sites import Site, dated_url, looks_like_article_url

_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Faults that may pass: an article that failed with one of these is fetched again next run, so the
# feed that listed it must not be answered by a 304 then.
_TRANSIENT = {
    "http_408",
    "http_429",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
    "http_522",
    "http_524",
    "timeout",
    "connection_lost",
    "connection_refused",
    "dns",
    "truncated",
    "truncated_gzip",
}
_NETWORK_ERRORS = {
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "ConnectionRefusedError": "connection_refused",
    "DNSLookupError": "dns",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ConnectError": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ResponseFailed": "connection_lost",
    "DownloadCancelledError": "too_large",
    # Scrapy ≥ 2.14 wraps Twisted's errors in its own:
    "DownloadTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "DownloadFailedError": "connection_lost",
    "ResponseDataLossError": "truncated",
}
# Outcomes that fetching again soon will not change: remembered in listed_urls.
_LASTING = {"http_404", "http_410", "too_large", "redirect_loop", "too_many_redirects", "bad_gzip"}
_NETWORK_MESSAGES = {
    "timeout": "no response within DOWNLOAD_TIMEOUT",
    "connection_lost": "the connection was lost",
    "truncated": "the connection closed before the whole body arrived",
}
# A lastmod further ahead than this is a site's clock or template bug, not an update.
_CLOCK_SLACK = timedelta(days=1)


def parse_moment(value) -> datetime | None:
    """A sitemap/feed/DB timestamp → aware UTC datetime (naive values are taken as UTC)."""
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(str(value))
        except (TypeError, ValueError):
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def listed_url(request_or_response) -> str:
    """The URL as the feed listed it, before any redirect."""
    return (request_or_response.meta.get("redirect_urls") or [request_or_response.url])[0]


def user_agent(contact: str) -> str:
    return f"rumourcrawl/{__version__} (football transfer-news research crawler; +{contact})"


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
        self.feeds = _split_urls(feeds) or tuple(dated_url(u) for u in configured.feeds)
        self.sitemaps = _split_urls(sitemaps) or tuple(dated_url(u) for u in configured.sitemaps)
        self.sections = _split_urls(sections) or configured.sections
        self.article_urls = _split_urls(urls)
        # Sources given as arguments to an outlet's spider (a football-only feed, a local mirror or
        # a saved copy of the site) are trusted as the generic spider trusts them: their hosts are the
        # outlet's too, and the URLs they list are taken without the outlet's URL patterns (its
        # exclusions and cleaning rules still apply).
        self.adhoc_hosts = {
            (urlsplit(u).hostname or "").lower()
            for u in (*_split_urls(feeds), *_split_urls(sitemaps), *_split_urls(sections))
        } - {""}
        self.refetch_arg = refetch
        if not (self.feeds or self.sitemaps or self.sections or self.article_urls):
            raise ValueError("nothing to crawl: give feeds=URL[,URL…] (or sitemaps=, sections=, urls=)")
        self.rules = configured
        if configured.domains:
            self.allowed_domains = [*configured.domains, *sorted(self.adhoc_hosts)]
        self.stored: dict[str, str] = {}  # article URL → when it was last fetched
        self.listed: dict[str, tuple[str, str]] = {}  # listed URL that gave no article of its own → outcome
        self.validators: dict[str, dict] = {}  # feed URL → ETag/Last-Modified from the last complete run
        self.articles_requested = 0
        self.candidates = 0  # article URLs found in listings (see _count_listing)
        self.job_key = self.name
        overrides = (feeds, sitemaps, sections, urls)
        if any(overrides):  # an ad hoc crawl: its own resumable state, apart from the site's usual one
            self.job_key += "-" + hashlib.sha1(repr(overrides).encode()).hexdigest()[:10]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.refetch = settings.getbool("RUMOURCRAWL_REFETCH") or spider.refetch_arg in ("1", "true", "yes", True)
        spider.max_articles = settings.getint("RUMOURCRAWL_MAX_ARTICLES")
        db_path = settings.get("RUMOURCRAWL_DB")
        spider.distributed = None
        if settings.get("REDIS_URL"):  # a distributed crawl: the writer's state is in Redis, not in a file here
            from rumourcrawl.distributed.worker import Worker, load_state

            worker = Worker.for_spider(spider)
            if not spider.refetch:
                recheck = timedelta(days=settings.getfloat("RUMOURCRAWL_RECHECK_DAYS"))
                spider.stored, spider.validators, spider.listed = load_state(worker.server, worker.keys, recheck)
        elif not spider.refetch and Path(db_path).exists():
            recheck = timedelta(days=settings.getfloat("RUMOURCRAWL_RECHECK_DAYS"))
            db = store.open_db(db_path)  # once, for all three reads
            try:
                spider.stored = store.stored_articles(db)
                spider.validators = store.feed_validators(db)
                spider.listed = store.listed_urls(db, recheck)
            finally:
                db.close()
        contact_priority = settings.getpriority("RUMOURCRAWL_CONTACT")
        if settings.getpriority("USER_AGENT") < contact_priority:
            # USER_AGENT in settings.py was built from the default contact: follow an overridden one
            # (settings are still open to changes until the spider exists).
            settings.set("USER_AGENT", user_agent(settings.get("RUMOURCRAWL_CONTACT")), priority=contact_priority)
        spider._setup_jobdir(crawler)
        crawler.signals.connect(spider._record_job_end, signal=signals.spider_closed)
        return spider

    # ---- resumable state ---------------------------------------------------------------------

    def _setup_jobdir(self, crawler) -> None:
        """Point Scrapy's JOBDIR at this spider's folder, unless it was set by hand or resuming is off.

        The folder's `status` file says how the last run ended. Only a clean stop leaves a queue
        worth resuming: after SIGKILL the queue and seen-request files are half-flushed and would
        drop requests, so they are discarded and the database (stored URLs, feed validators saved
        only by complete runs) tells the new run what is left to do.
        """
        settings = crawler.settings
        self.job_notes: dict[str, int] = {}
        if not settings.getbool("RUMOURCRAWL_RESUME") or settings.get("REDIS_URL"):  # distributed: queue in Redis
            return
        jobdir = settings.get("JOBDIR")
        if not jobdir:
            base = settings.get("RUMOURCRAWL_JOBS_DIR") or Path(settings.get("RUMOURCRAWL_DB")).parent / "jobs"
            jobdir = str(Path(base) / self.job_key)
        status_file = Path(jobdir) / "status"
        status = status_file.read_text().split() if status_file.exists() else []
        if status[:1] == ["running"] and len(status) > 1 and status[1] != str(os.getpid()):
            if store._process_alive(int(status[1])):
                self.logger.warning(
                    "Another process (pid %s) is crawling %s with the same job folder; not resuming",
                    status[1],
                    self.name,
                )
                return
            self.logger.warning(
                "The last %s run was killed mid-crawl; discarding its queue, resuming from the database", self.name
            )
            shutil.rmtree(jobdir, ignore_errors=True)
            self.job_notes["rumourcrawl/resumed_after_kill"] = 1  # stats exist only once the crawl starts
        elif status[:1] == ["stopped"]:
            self.logger.info("Resuming the %s crawl stopped earlier (%s)", self.name, " ".join(status[1:]))
            self.job_notes["rumourcrawl/resumed_queue"] = 1  # stats exist only once the crawl starts
        elif status:  # finished: nothing to resume, and its seen-requests file would block this run
            shutil.rmtree(jobdir, ignore_errors=True)
        Path(jobdir).mkdir(parents=True, exist_ok=True)
        status_file.write_text(f"running {os.getpid()}\n")
        settings.set("JOBDIR", jobdir, priority="spider")
        self.jobdir = jobdir

    def _record_job_end(self, spider, reason):
        jobdir = getattr(self, "jobdir", None)
        if jobdir and Path(jobdir).is_dir():
            word = "finished" if reason == "finished" else "stopped"
            (Path(jobdir) / "status").write_text(f"{word} {reason}\n")

    def _state(self, key: str):
        """Run state that must survive a stop and resume: kept in spider.state (saved in JOBDIR)."""
        state = self.__dict__.setdefault("state", {})
        return state.setdefault(key, [] if key == "feeds_incomplete" else {})

    def closed(self, reason):
        """Save what the next runs need to skip: listed URLs that gave no article, feeds' validators.

        Validators only after a complete run: "changed since?" must not hide articles never fetched.
        """
        outcomes = self._state("listed_outcomes")
        if getattr(self, "distributed", None):  # the writer saves them, with the other processes' share
            fetched, incomplete = self._state("feeds_fetched"), self._state("feeds_incomplete")
            self.distributed.spider_finished(reason, fetched, incomplete, outcomes)
            return
        if outcomes:
            db = store.open_db(self.settings.get("RUMOURCRAWL_DB"))
            try:
                store.save_listed_urls(db, outcomes)
            finally:
                db.close()
        if reason != "finished":
            return
        fetched = self._state("feeds_fetched")
        incomplete = set(self._state("feeds_incomplete"))
        if not (fetched or incomplete):
            return
        db = store.open_db(self.settings.get("RUMOURCRAWL_DB"))
        try:
            store.save_feed_states(db, fetched, incomplete)
        finally:
            db.close()
        if incomplete:
            self.logger.info(
                "%d feed(s) will be fetched in full next run: some of their articles failed or were capped",
                len(incomplete),
            )

    def _mark_incomplete(self, request) -> None:
        self.mark_feeds_incomplete(request.meta.get("feeds", ()))

    def mark_feeds_incomplete(self, feeds) -> None:
        """These listings were not fully stored (the pipelines call this too): no validators for them
        this run, so the next run reads them in full."""
        incomplete = self._state("feeds_incomplete")
        if getattr(self, "distributed", None):
            self.distributed.mark_feeds_incomplete(feeds)
        for url in feeds:
            if url not in incomplete:
                incomplete.append(url)

    # ---- start -------------------------------------------------------------------------------

    async def start(self):
        for key, value in getattr(self, "job_notes", {}).items():
            self.crawler.stats.set_value(key, value)
        for request in self._start_requests():
            yield request

    def _feed_request(self, url: str, parents: tuple[str, ...] = (), kind: str = "feed") -> scrapy.Request:
        """A feed, sitemap or section page: a conditional GET when the last complete run saved its validators."""
        headers = {}
        saved = self.validators.get(url) or {}
        if saved.get("etag"):
            headers["If-None-Match"] = saved["etag"]
        if saved.get("last_modified"):
            headers["If-Modified-Since"] = saved["last_modified"]
        meta = {"kind": kind, "feeds": (*parents, url), "handle_httpstatus_list": [304]}
        callback = self.parse_section if kind == "section" else self.parse_feed
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta)

    def _start_requests(self) -> Iterator[scrapy.Request]:
        for url in (*self.feeds, *self.sitemaps):
            yield self._feed_request(url)
        if self.rules.robots_sitemaps:
            for root in {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in (*self.feeds, *self.sections)}:
                yield scrapy.Request(
                    f"{root}/robots.txt", callback=self.parse_robots, errback=self.on_error, meta={"kind": "robots"}
                )
        for url in self.sections:
            yield self._feed_request(url, kind="section")
        for url in self.article_urls:
            yield from self._article_request(url, {}, check_pattern=False)

    # ---- discovery ---------------------------------------------------------------------------

    def parse_robots(self, response: Response):
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield self._feed_request(url)

    def _count_listing(self, response: Response, requests):
        """Pass on a listing's requests; a listing that names no article and no other listing is
        counted and named in the stats (a feed that stopped yielding articles, or whose URLs changed)."""
        stats = self.crawler.stats
        before, found, errors = self.candidates, 0, stats.get_value("rumourcrawl/errors", 0)
        for request in requests:
            found += 1
            yield request
        if not found and self.candidates == before and stats.get_value("rumourcrawl/errors", 0) == errors:
            stats.inc_value("rumourcrawl/listings_empty")
            empty = stats.get_value("rumourcrawl/listings_empty_urls") or []
            stats.set_value("rumourcrawl/listings_empty_urls", [*empty, listed_url(response)][:20])
            self.logger.warning("%s listed no article this run (none matched the site's article URLs)", response.url)

    def parse_feed(self, response: Response):
        """An RSS/Atom feed, a sitemap or a sitemap index: told apart by the content."""
        if self._not_modified(response):
            return
        yield from self._count_listing(response, self._parse_listing(response))

    def _parse_listing(self, response: Response):
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
        if not entries:
            self._count_error("feed_malformed", response.url, "unreadable sitemap: no entries")
            return
        try:
            etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:  # Scrapy's parser recovers what it can: say so, and use it
            self.crawler.stats.inc_value("rumourcrawl/feeds_malformed_recovered")
            self.logger.warning(
                "Sitemap %s is malformed (%s); using the %d entries that parsed", response.url, exc, len(entries)
            )
        self.crawler.stats.inc_value("rumourcrawl/sitemaps")
        if sitemap.type == "sitemapindex":
            # An index often stays the same while its children fill up: read it in full every run
            # (it is small) and ask each child whether it changed.
            self._state("feeds_fetched")[listed_url(response)] = {"modified": True, "etag": None, "last_modified": None}
            for entry in entries:
                yield self._feed_request(urljoin(response.url, entry["loc"]), response.meta.get("feeds", ()))
            return
        for entry in entries:
            news = entry.get("news") or {}
            hints = {
                "published": news.get("publication_date") or entry.get("lastmod"),
                "updated": entry.get("lastmod"),
                "title": news.get("title"),
                "found_in": response.url,
            }
            yield from self._article_request(urljoin(response.url, entry["loc"]), hints, listed=True, via=response)

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
            self.crawler.stats.inc_value("rumourcrawl/feeds_malformed_recovered")
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
                "updated": entry.get("updated"),
                "title": entry.get("title"),
                "found_in": response.url,
            }
            yield from self._article_request(urljoin(response.url, link), hints, listed=True, via=response)

    def _not_modified(self, response: Response) -> bool:
        """Note a listing's validators; True for a 304 (unchanged since the last complete run: nothing to do)."""
        url = listed_url(response)  # validators belong to the URL we ask for, even if it redirects
        if response.status == 304:
            self.crawler.stats.inc_value("rumourcrawl/feeds_not_modified")
            self.logger.info("Not modified since the last complete run: %s", response.url)
            self._state("feeds_fetched")[url] = {"modified": False}
            return True
        self._state("feeds_fetched")[url] = {
            "modified": True,
            "etag": response.headers.get(b"ETag", b"").decode("latin-1") or None,
            "last_modified": response.headers.get(b"Last-Modified", b"").decode("latin-1") or None,
        }
        return False

    def parse_section(self, response: Response):
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self._count_error("not_html", response.url, "section page is not HTML")
            return
        self.crawler.stats.inc_value("rumourcrawl/sections")
        yield from self._count_listing(response, self._section_links(response))

    def _section_links(self, response: TextResponse):
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#")[0]
            if urlsplit(url).netloc == urlsplit(response.url).netloc:
                yield from self._article_request(url, {"found_in": response.url}, via=response)

    def _article_request(
        self, url: str, hints: dict, check_pattern: bool = True, listed: bool = False, via: Response | None = None
    ):
        """A request for an article page, unless the URL is ruled out, stored already or over the cap.

        `listed` URLs come from a feed or sitemap, which list articles: without configured patterns
        they are all taken. Links from section pages must look like articles. A stored article is
        fetched again only when its listing says it changed after we last fetched it.
        """
        if check_pattern:
            adhoc = (urlsplit(url).hostname or "").lower() in self.adhoc_hosts
            if not (adhoc or self.rules.in_domains(url)):
                return
            if adhoc:  # feeds' entries are taken; section links must look like articles
                if self.rules.is_excluded(url):
                    return
                if not listed and not looks_like_article_url(url):
                    return
            elif (self.rules.article_patterns or not listed) and not self.rules.is_article_url(url):
                return
        self.candidates += 1  # an article URL the listing gave (stored before or not)
        feeds = via.meta.get("feeds", ()) if via is not None else ()
        # Stored under the URL as listed, or under its canonical form (www, AMP, tracking parameters).
        key = url if (url in self.stored or url in self.listed) else canonical_url(url)
        if key in self.stored or key in self.listed:
            if not self._updated_since_fetched(key, hints.get("updated")):
                outcome = self.listed.get(key, ("stored",))[0] if key not in self.stored else "stored"
                stat = "already_stored" if outcome == "stored" else f"known_{outcome}"
                self.crawler.stats.inc_value(f"rumourcrawl/{stat}")
                return
            self.crawler.stats.inc_value("rumourcrawl/updated_refetched")
            self.logger.info("Fetching %s again: its listing says it was updated (%s)", url, hints["updated"])
        if self.max_articles and self.articles_requested >= self.max_articles:
            self.crawler.stats.inc_value("rumourcrawl/over_page_cap")
            if feeds:  # the rest of this feed is for the next run: it must not get a 304 then
                self._mark_incomplete(via)
            return
        self.articles_requested += 1
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"kind": "article", "hints": hints, "feeds": feeds},
        )

    def _updated_since_fetched(self, url: str, updated) -> bool:
        listed = parse_moment(updated)
        fetched = parse_moment(self.stored.get(url) or self.listed.get(url, (None, None))[1])
        if listed is None or fetched is None or listed <= fetched:
            return False
        if listed > datetime.now(UTC) + _CLOCK_SLACK:
            self.crawler.stats.inc_value("rumourcrawl/lastmod_in_future")
            self.logger.warning("Ignoring %s's lastmod %s: it is in the future", url, updated)
            return False
        return True

    # ---- articles ----------------------------------------------------------------------------

    def parse_article(self, response: Response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (content_type and not any(t in content_type for t in _HTML_TYPES)):
            self._count_skip("not_html", response.url, f"not an HTML page ({content_type or 'no type'})")
            self.note_outcome(listed_url(response), "skipped", "not_html")
            return
        if b"\x00" in response.body[:4096]:  # text never holds NUL bytes: binary mislabelled as HTML
            self._count_skip("binary", response.url, f"binary content served as {content_type or 'HTML'}")
            self.note_outcome(listed_url(response), "skipped", "binary")
            return
        yield CrawledPage(
            url=response.url,
            body=response.body,
            content_type=self._true_charset(response, content_type),
            status=response.status,
            site=self.site.name if self.site else None,
            hints={
                **response.meta.get("hints", {}),
                "listed_url": listed_url(response),
                "feeds": response.meta.get("feeds", ()),  # as requested: feed state is keyed by it
            },
        )

    def note_outcome(self, url: str, outcome: str, reason: str | None = None) -> None:
        """Remember how a listed URL ended (the pipelines call this too), saved when the run ends."""
        self._state("listed_outcomes")[url] = (outcome, reason)

    def _true_charset(self, response: TextResponse, content_type: str) -> str:
        """The Content-Type with a charset that decodes the body: pages declared UTF-8 are often cp1252.

        The extractor trusts the header, so the charset found here is always written into it.
        """
        declared = response._declared_encoding()  # header, BOM or <meta>; None when the page says nothing
        # Undeclared: UTF-8, then cp1252, before Scrapy's guess (which takes cp1252 pages for cp852).
        candidates = [declared] if declared else []
        candidates += [enc for enc in ("utf-8", "cp1252", response.encoding) if enc not in candidates]
        for actual in candidates:
            try:
                response.body.decode(actual)
            except (UnicodeDecodeError, LookupError):
                continue
            break
        else:
            actual = "cp1252"  # unreachable in practice: cp1252 fails only on five unused bytes
        if not declared:
            self.crawler.stats.inc_value("rumourcrawl/charset_missing")
            self.logger.info("No charset declared on %s: decoded as %s", response.url, actual)
        elif actual != declared:
            self.crawler.stats.inc_value("rumourcrawl/charset_wrong")
            self.logger.warning("Wrong charset on %s: declared %s, decoded as %s", response.url, declared, actual)
        base = content_type.split(";")[0].strip() or "text/html"
        return f"{base}; charset={actual}"

    # ---- errors ------------------------------------------------------------------------------

    def on_error(self, failure):
        request = failure.request
        message = failure.getErrorMessage()
        if failure.check(BadResponse):
            reason = failure.value.reason
        elif failure.check(HttpError):
            status = failure.value.response.status
            reason, message = f"http_{status}", f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            if "DOWNLOAD_MAXSIZE" in message:  # a gzip bomb, stopped while decompressing
                reason = "too_large"
            elif "redirections" in message:
                reason, message = (
                    "too_many_redirects",
                    f"more than {self.settings.getint('REDIRECT_MAX_TIMES')} redirects",
                )
            else:
                # robots.txt said no (or another middleware filtered it): polite, not a fault
                self.crawler.stats.inc_value("rumourcrawl/ignored")
                self.logger.info("Not fetched %s: %s", request.url, message)
                return
        else:
            reason = _NETWORK_ERRORS.get(failure.type.__name__, failure.type.__name__)
            if reason == "connection_lost" and "_DataLoss" in repr(failure.value):
                reason = "truncated"  # the connection closed before Content-Length bytes came
            if not message.strip():
                message = _NETWORK_MESSAGES.get(reason, failure.type.__name__)
        if reason in _TRANSIENT:
            self._mark_incomplete(request)
        elif reason in _LASTING and request.meta.get("kind") == "article":
            self.note_outcome(listed_url(request), "failed", reason)
        retries = request.meta.get("retry_times", 0)
        detail = f"{reason}, after {retries} retries" if retries else reason
        self._count_error(reason, request.url, f"{message} ({detail})")

    def _count_error(self, reason: str, url: str, message: str) -> None:
        self.crawler.stats.inc_value("rumourcrawl/errors")
        self.crawler.stats.inc_value(f"rumourcrawl/errors/{reason}")
        self.logger.error("Error on %s: %s", url, message)

    def _count_skip(self, reason: str, url: str, message: str) -> None:
        self.crawler.stats.inc_value("rumourcrawl/skipped")
        self.crawler.stats.inc_value(f"rumourcrawl/skipped/{reason}")
        self.logger.warning("Skipped %s: %s", url, message)
