"""What Redis memory a distributed crawl's seen URLs cost: measured, not estimated.

Usage: python benchmarks/redis_memory.py [COUNT]   (default 1,000,000)

Starts a throwaway redis-server (Debian's package) on a free loopback port and fills, through
the same code paths as a crawl:
- the scrapy-redis fingerprint set (one 40-hex-digit SHA1 per request seen; scrapy-redis'
  RFPDupeFilter computes it), and
- the writer's `state:stored` hash (article URL → when it was fetched; crawlers read it at start
  to skip what is stored), with URLs of a realistic length.
Prints Redis' own `used_memory` growth for each, in total and in bytes per URL.
"""

from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from loopback_site import RedisServer  # noqa: E402

CHUNK = 10_000


def url(i: int) -> str:
    return f"https://www.example-outlet.co.uk/football/transfer-news/club-agree-fee-for-striker-after-long-talks-{i}"


def used(client) -> int:
    return int(client.info("memory")["used_memory"])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder, RedisServer(Path(folder)) as server:
        client = server.client()
        version = client.info("server")["redis_version"]
        dupefilter = RFPDupeFilter(client, key="bench:dupefilter")
        start = used(client)
        for first in range(0, count, CHUNK):
            fingerprints = [
                dupefilter.request_fingerprint(Request(url(i))) for i in range(first, min(first + CHUNK, count))
            ]
            client.sadd(dupefilter.key, *fingerprints)
        after_set = used(client)
        stamp = "2026-11-30T06:00:00+00:00"
        for first in range(0, count, CHUNK):
            client.hset("bench:state:stored", mapping={url(i): stamp for i in range(first, min(first + CHUNK, count))})
        after_hash = used(client)
        assert client.scard(dupefilter.key) == count and client.hlen("bench:state:stored") == count
    per_fingerprint = (after_set - start) / count
    per_stored = (after_hash - after_set) / count
    print(f"redis-server {version}, {platform.machine()}, Python {platform.python_version()}, {count:,} URLs")
    print(f"fingerprint set (scrapy-redis): {per_fingerprint * count / 2**20:7.1f} MiB, {per_fingerprint:.0f} B/URL")
    print(f"stored-URL hash ({len(url(0))}-char URLs): {per_stored * count / 2**20:7.1f} MiB, {per_stored:.0f} B/URL")


if __name__ == "__main__":
    main()
