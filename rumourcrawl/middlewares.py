"""Downloader middlewares for the web's faults that Scrapy's own ones let through silently.

- RedirectLoopMiddleware: a redirect back to a URL already in the chain is a loop; Scrapy would
  drop the repeated request as a duplicate without a word.
- TruncatedGzipMiddleware: Scrapy's gunzip returns whatever decompresses, so a body cut off
  mid-stream would be stored as half an article.
- RetryAfterMiddleware: Scrapy retries 429/503 at once; the server asked us to wait.

Each raises BadResponse (an IgnoreRequest, so the request's errback sees it) with a short reason
that the spider counts as `rumourcrawl/errors/<reason>`.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class BadResponse(IgnoreRequest):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class _Middleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class RedirectLoopMiddleware(_Middleware):
    """Runs before RedirectMiddleware on responses (higher priority number)."""

    def process_response(self, request, response):
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1")).split("#")[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            hops = " → ".join([*chain, target])
            raise BadResponse("redirect_loop", f"redirect loop: {hops}")
        return response


class TruncatedGzipMiddleware(_Middleware):
    """Runs before HttpCompressionMiddleware on responses; checks the gzip stream has its end."""

    def process_response(self, request, response):
        encoding = b",".join(response.headers.getlist("Content-Encoding")).lower()
        if b"gzip" not in encoding or not response.body:
            return response
        limit = request.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        produced = 0
        pending = response.body
        try:
            # Decompress in bounded steps: a gzip bomb is left to HttpCompressionMiddleware's size check.
            while pending and not decompressor.eof:
                produced += len(decompressor.decompress(pending, 1024 * 1024))
                pending = decompressor.unconsumed_tail
                if limit and produced > limit:
                    return response
        except zlib.error as exc:
            raise BadResponse("bad_gzip", f"corrupt gzip body ({exc})") from None
        if not decompressor.eof:
            raise BadResponse(
                "truncated_gzip", f"gzip body ends before its stream does ({len(response.body)} bytes received)"
            )
        return response


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(_Middleware):
    """Wait as long as the server asked (up to RUMOURCRAWL_RETRY_AFTER_MAX seconds) before the retry.

    Runs before RetryMiddleware on responses, which then retries the request as usual. The wait
    holds back only this request; the site's pace is AutoThrottle's (and CONCURRENT_REQUESTS_PER_DOMAIN's).
    """

    async def process_response(self, request, response):
        if response.status not in (429, 503):
            return response
        seconds = retry_after_seconds(response.headers.get(b"Retry-After", b"").decode("latin-1"))
        if seconds is None:
            return response
        settings = self.crawler.settings
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", settings.getint("RETRY_TIMES")):
            return response  # no retry will follow: nothing to wait for
        wait = min(seconds, settings.getfloat("RUMOURCRAWL_RETRY_AFTER_MAX"))
        self.crawler.stats.inc_value("rumourcrawl/retry_after")
        logger.warning(
            "HTTP %d from %s asks to retry after %.0fs; retrying in %.0fs", response.status, request.url, seconds, wait
        )
        await asyncio.sleep(wait)
        return response
