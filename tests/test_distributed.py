"""Distributed crawling: two crawler processes and one writer over a real redis-server.

The site is 1,000 generated article pages behind a sitemap index, served on loopback; what was
fetched is read from the server's own request log. Each test starts its own redis-server (Debian's
package; .ci/run installs it) on a free loopback port and stops it after.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import sqlite_utils
from loopback_site import RedisServer, build_site, free_port

from conftest import REPO, run_cli, start_cli
from rumourcrawl.snapshot_server import SnapshotServer

PAGES = 1000
FAST = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "RETRY_TIMES=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "RUMOURCRAWL_MAX_ARTICLES=0",
    # a killed crawler's requests go back to the queue after this many seconds of silence
    "-s", "RUMOURCRAWL_REDIS_WORKER_TTL=4",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    articles = build_site(root, PAGES)
    with SnapshotServer(root) as server:
        server.articles = articles
        server.root_dir = root
        yield server


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture(scope="module")
def single_process(site, tmp_path_factory):
    """The same site crawled the usual way, by one process writing SQLite itself: the reference."""
    db = tmp_path_factory.mktemp("single") / "rumours.db"
    result = run_cli("crawl", "--sitemap", site.url("sitemap.xml"), "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    return _counts(db)


def _counts(db) -> dict[str, int]:
    database = sqlite_utils.Database(db)
    return {table: database[table].count for table in ("articles", "rumours", "stories", "outlets")}


def _article_gets(site, since: int) -> Counter:
    return Counter(e["path"] for e in site.log[since:] if e["method"] == "GET" and e["path"].startswith("/transfers/"))


def _crawler(site, redis_server, tmp_path, name: str):
    return start_cli(
        "crawl",
        "--redis",
        redis_server.url,
        "--sitemap",
        site.url("sitemap.xml"),
        "--log-file",
        str(tmp_path / f"{name}.log"),
        *FAST,
    )


def _writer(redis_server, db, until_idle: float = 2):
    return start_cli("drain", "--redis", redis_server.url, "--db", str(db), "--until-idle", str(until_idle))


def _wait(condition, what: str, limit: float = 240):
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _heartbeats(redis_server) -> int:
    return len(list(redis_server.client().scan_iter(match="rumourcrawl:worker:*")))


def _finish(process, timeout: float = 240) -> tuple[str, str]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, (out, err)
    return out, err


def test_two_crawlers_and_one_writer_store_every_page_once_and_fetch_none_twice(
    site, redis_server, single_process, tmp_path
):
    db = tmp_path / "rumours.db"
    before = len(site.log)
    crawlers = [_crawler(site, redis_server, tmp_path, f"crawler{i}") for i in (1, 2)]
    _wait(lambda: _heartbeats(redis_server) == 2, "both crawlers to join")
    writer = _writer(redis_server, db)
    outputs = [_finish(c)[0] for c in crawlers]
    _finish(writer)

    gets = _article_gets(site, before)
    assert set(gets) == set(site.articles)  # every page fetched…
    assert [path for path, count in gets.items() if count > 1] == []  # …and none twice
    assert _counts(db) == single_process
    assert single_process["articles"] == PAGES
    # Both processes did a share of the work, and each has its crawl_runs row.
    sent = [int(out.split(" articles sent")[0].rsplit(", ", 1)[1]) for out in outputs]
    assert sum(sent) == PAGES and min(sent) > 0, outputs
    runs = list(sqlite_utils.Database(db).query("SELECT pages, articles_new, finish_reason FROM crawl_runs"))
    assert len(runs) == 2 and {r["finish_reason"] for r in runs} == {"finished"}
    assert sum(r["articles_new"] for r in runs) == PAGES
    # Redis keeps nothing of the finished crawl but the writer's state for the next one.
    client = redis_server.client()
    assert client.xlen("rumourcrawl:items") == 0
    assert not list(client.scan_iter(match="rumourcrawl:news-*:*"))
    assert client.hlen("rumourcrawl:state:stored") >= PAGES

    # The next run, started the Scrapy way, shares what the writer stored: only the sitemaps are
    # asked for, conditionally. A feed pushed to the crawl's Redis key is crawled too.
    extra = _extra_feed(site, tmp_path)
    job = "news-" + hashlib.sha1(repr((None, site.url("sitemap.xml"), None, None)).encode()).hexdigest()[:10]
    client.lpush(f"rumourcrawl:{job}:start_urls", site.url("extra.rss"))
    before = len(site.log)
    again = start_scrapy(
        "crawl", "news", "-a", f"sitemaps={site.url('sitemap.xml')}", "-s", f"REDIS_URL={redis_server.url}", *FAST
    )
    _wait(lambda: _heartbeats(redis_server) == 1 or again.poll() is not None, "the crawler to join")
    writer = _writer(redis_server, db)
    _finish(again)
    _finish(writer)
    assert _article_gets(site, before) == Counter(extra)
    statuses = Counter(e["status"] for e in site.log[before:] if e["path"].endswith(".xml"))
    assert statuses == {200: 1, 304: 10}  # the index is read in full, its ten sitemaps are unchanged
    counts = _counts(db)
    assert counts["articles"] == single_process["articles"] + len(extra)


def _extra_feed(site, tmp_path) -> list[str]:
    """Three more articles (other text, other URLs) and an RSS feed listing them, on the same server."""
    build_site(tmp_path / "extra", 3, seed=99)
    paths = []
    for i in range(3):
        html = (tmp_path / "extra" / "transfers" / f"story-{i:05d}.html").read_text(encoding="utf-8")
        (site.root_dir / "transfers" / f"extra-{i}.html").write_text(
            html.replace(f"story-{i:05d}", f"extra-{i}"), encoding="utf-8"
        )
        paths.append(f"/transfers/extra-{i}.html")
    # It lists two stored articles too: crawlers look them up in what the writer stored, and skip them.
    listed = [*paths, site.articles[0], site.articles[1]]
    items = "".join(f"<item><title>{p}</title><link>{{{{BASE}}}}{p}</link></item>" for p in listed)
    (site.root_dir / "extra.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>extra</title>{items}</channel></rss>',
        encoding="utf-8",
    )
    return paths


def start_scrapy(*args: str) -> subprocess.Popen:
    """`scrapy ARGS…` in the project folder, in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _leases_of(redis_server, pid: int) -> int:
    """How many requests the crawler process `pid` holds leased (its worker id is host:pid:token)."""
    client = redis_server.client()
    keys = [key for key in client.scan_iter(match="rumourcrawl:*:inflight:*") if f":{pid}:".encode() in key]
    return sum(client.hlen(key) for key in keys)


def test_a_killed_crawler_and_a_killed_writer_lose_nothing(site, redis_server, single_process, tmp_path):
    db = tmp_path / "rumours.db"
    before = len(site.log)
    doomed, survivor = (_crawler(site, redis_server, tmp_path, f"crawler{i}") for i in (1, 2))
    _wait(lambda: _heartbeats(redis_server) == 2, "both crawlers to join")
    writer = _writer(redis_server, db)
    _wait(lambda: sum(_article_gets(site, before).values()) >= PAGES * 0.3, "a third of the pages")
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    held = _leases_of(redis_server, doomed.pid)  # read before the survivor requeues them (after the TTL)
    _wait(lambda: sum(_article_gets(site, before).values()) >= PAGES * 0.6, "two thirds of the pages")
    writer.send_signal(signal.SIGKILL)
    writer.communicate()
    # Entries the writer had read but not committed are still pending in Redis; a new writer takes them.
    restarted = _writer(redis_server, db)
    _finish(survivor)
    _finish(restarted)

    gets = _article_gets(site, before)
    assert set(gets) == set(site.articles)
    # Only requests the killed process had in hand (its leases: in the downloader or the scraper) can have
    # been fetched twice. (A fixed bound of 16, the downloader's concurrency, once failed at 17.)
    assert sum(count - 1 for count in gets.values()) <= held
    assert _counts(db) == single_process
    assert redis_server.client().xlen("rumourcrawl:items") == 0


def test_redis_url_alone_switches_scheduler_and_store_pipeline():
    """Same pipeline code, other settings: only the last pipeline and the scheduler change."""
    from rumourcrawl.cli import project_settings
    from rumourcrawl.distributed import DistributedAddon

    local = project_settings()
    DistributedAddon().update_settings(local)  # no REDIS_URL: nothing changes
    assert "rumourcrawl.pipelines.StorePipeline" in local.getdict("ITEM_PIPELINES")

    settings = project_settings({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    DistributedAddon().update_settings(settings)
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert sorted(pipelines, key=pipelines.get) == [
        "rumourcrawl.pipelines.CleanPipeline",
        "rumourcrawl.pipelines.RumourPipeline",
        "rumourcrawl.distributed.pipeline.RedisPushPipeline",
    ]
    assert settings.get("SCHEDULER") == "rumourcrawl.distributed.scheduler.LeasingScheduler"
    assert settings.get("DUPEFILTER_CLASS") == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") and not settings.getbool("RUMOURCRAWL_RESUME")


def test_an_unreachable_redis_is_refused_before_crawling(tmp_path):
    port = free_port()  # nothing listens there
    crawl = run_cli("crawl", "--redis", f"redis://127.0.0.1:{port}/0", "--feed", "http://127.0.0.1:9/feed")
    drain = run_cli("drain", "--redis", f"redis://127.0.0.1:{port}/0", "--db", str(tmp_path / "r.db"))
    for result in (crawl, drain):
        assert result.returncode == 2
        assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in result.stderr
        assert "Traceback" not in result.stderr
