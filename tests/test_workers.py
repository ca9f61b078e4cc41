"""Extraction in worker processes (RUMOURCRAWL_EXTRACT_WORKERS): real crawls on loopback.

The same pages give the same rows with two workers as with none; a page whose extraction fails in
a worker is a counted skip; a worker killed mid-crawl is replaced and no page is lost.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
import sqlite_utils
from loopback_site import build_site

from conftest import DEMO_SITE, last_run_stats, run_cli, start_cli
from rumourcrawl.extract.page import FAULT_EXIT, FAULT_RAISE
from rumourcrawl.snapshot_server import SnapshotServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]
FAULTS = {"RUMOURCRAWL_TEST_FAULTS": "1"}


def _workers(n: int) -> list[str]:
    return ["-s", f"RUMOURCRAWL_EXTRACT_WORKERS={n}"]


def _rows(db: Path) -> tuple[list, list]:
    database = sqlite_utils.Database(db)
    articles = sorted(
        (r["url"], r["fetched_url"], r["title"], r["author"], (r["published"] or "")[:10], r["language"], r["text"])
        for r in database.query("SELECT * FROM articles")
    )
    rumours = sorted(
        tuple(str(v) for k, v in r.items() if k not in ("id", "first_seen", "last_seen"))
        for r in database.query("SELECT * FROM rumours")
    )
    return articles, rumours


def test_two_workers_store_what_one_process_stores(fixture_server, demo_server, tmp_path):
    sources = [
        "--feed", demo_server.url("rss.xml"),
        "--feed", fixture_server.url("feeds/real-pages.rss"),
        "--feed", fixture_server.url("feeds/german.atom"),
        "--sitemap", fixture_server.url("feeds/sitemap-index.xml"),
    ]  # fmt: skip
    results = {}
    for workers in (0, 2):
        db = tmp_path / f"w{workers}" / "rumours.db"
        result = run_cli("crawl", *sources, "--db", str(db), *FAST, *_workers(workers))
        assert result.returncode == 0, result.stderr
        stats = last_run_stats(db)["stats"]
        assert stats["rumourcrawl/extract_workers"] == workers
        results[workers] = (_rows(db), {k: v for k, v in stats.items() if not k.startswith("rumourcrawl/cpu/")})
    (articles, rumours), stats = results[2]
    assert len(articles) >= 18 and len(rumours) >= 25
    assert results[2][0] == results[0][0]
    # The same counts too (skips, dates, languages), except the number of workers.
    assert {k: v for k, v in stats.items() if k != "rumourcrawl/extract_workers"} == {
        k: v for k, v in results[0][1].items() if k != "rumourcrawl/extract_workers"
    }
    # The work done in the workers is counted as CPU time by stage.
    cpu = last_run_stats(tmp_path / "w2" / "rumours.db")["stats"]
    assert cpu["rumourcrawl/cpu/workers"] > 0
    assert cpu["rumourcrawl/cpu/cleaning"] + cpu["rumourcrawl/cpu/rumours"] <= cpu["rumourcrawl/cpu/workers"] + 1e-6


def _site_with(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    """The demo site's feed, plus extra pages listed in it."""
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root)
    feed = (root / "rss.xml").read_text(encoding="utf-8")
    items = ""
    for name, body in extra.items():
        (root / "news" / name).write_bytes(body)
        items += f"<item><title>{name}</title><link>{{{{BASE}}}}/news/{name}</link></item>"
    (root / "rss.xml").write_text(feed.replace("</channel>", items + "</channel>"), encoding="utf-8")
    return root


def _faulty(marker: bytes) -> bytes:
    page = (DEMO_SITE / "news" / "napoli-bid-kobbie-mainoo.html").read_bytes()
    page = re.sub(rb'(<link rel="canonical" href="[^"]+)"', rb'\1-faulty"', page)
    return page.replace(b"</body>", marker + b"</body>")


def test_an_extraction_error_in_a_worker_is_a_counted_skip(tmp_path):
    root = _site_with(tmp_path, {"faulty.html": _faulty(FAULT_RAISE)})
    db = tmp_path / "rumours.db"
    with SnapshotServer(root) as server:
        result = run_cli("crawl", "--feed", server.url("rss.xml"), "--db", str(db), *FAST, *_workers(2), env=FAULTS)
    assert result.returncode == 0, result.stderr
    assert "8 articles stored" in result.stdout  # the demo feed's eight, not the faulty page
    assert "extraction_error × 1" in result.stdout
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/skipped/extraction_error"] == 1
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert re.search(r"Skipped \S+/news/faulty\.html: extraction failed: RuntimeError: test fault", log)
    # The worker's own log line, with its traceback, reaches the crawl's log.
    assert "Extraction failed on" in log and "Traceback" in log


def test_a_page_that_kills_its_worker_is_skipped_and_the_crawl_goes_on(tmp_path):
    root = _site_with(tmp_path, {"killer.html": _faulty(FAULT_EXIT)})
    db = tmp_path / "rumours.db"
    with SnapshotServer(root) as server:
        result = run_cli("crawl", "--feed", server.url("rss.xml"), "--db", str(db), *FAST, *_workers(2), env=FAULTS)
    assert result.returncode == 0, result.stderr
    stats = last_run_stats(db)["stats"]
    # It broke the pool on its first try and on its second, alone: skipped, the pool replaced each time.
    assert stats["rumourcrawl/extract_workers/replaced"] == 2
    assert stats["rumourcrawl/skipped/worker_died"] == 1
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    assert re.search(r"Skipped \S+/news/killer\.html: a worker process died", log)
    # Pages in hand beside it when it first broke the pool were tried again, one at a time: all stored.
    assert sqlite_utils.Database(db)["articles"].count == 8
    assert "8 articles stored" in result.stdout


def _worker_pids(parent: int) -> list[int]:
    """The crawl's extraction workers: its children started by multiprocessing's spawn."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in cmdline:
            pids.append(int(proc.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes in /proc")
def test_a_killed_worker_is_replaced_and_no_page_is_lost(tmp_path):
    root = tmp_path / "site"
    pages = build_site(root, 400)
    db = tmp_path / "rumours.db"
    with SnapshotServer(root) as server:
        crawl = start_cli(
            "crawl", "--sitemap", server.url("sitemap.xml"), "--db", str(db), *FAST, *_workers(2),
            "-s", "RUMOURCRAWL_MAX_ARTICLES=0",
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            killed = None
            while killed is None and time.monotonic() < deadline and crawl.poll() is None:
                requested = [p for p in server.paths_requested() if p.startswith("/transfers/")]
                pids = _worker_pids(crawl.pid)
                if len(requested) >= 20 and pids:  # mid-crawl: pages are being fetched and cleaned
                    killed = pids[0]
                    os.kill(killed, signal.SIGKILL)
                time.sleep(0.05)
            stdout, stderr = crawl.communicate(timeout=300)
        finally:
            if crawl.poll() is None:
                crawl.kill()
    assert killed is not None, "the crawl ended before a worker could be killed"
    assert crawl.returncode == 0, stderr
    stats = last_run_stats(db)["stats"]
    assert stats["rumourcrawl/extract_workers/replaced"] == 1
    assert "rumourcrawl/skipped/worker_died" not in stats  # the pages in hand were tried again
    assert sqlite_utils.Database(db)["articles"].count == len(pages)
    assert "An extraction worker process died" in (tmp_path / "crawl.log").read_text(encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes in /proc")
def test_workers_end_with_a_crawl_killed_by_sigkill(tmp_path):
    root = tmp_path / "site"
    build_site(root, 300)
    with SnapshotServer(root) as server:
        db = tmp_path / "r.db"
        crawl = start_cli("crawl", "--sitemap", server.url("sitemap.xml"), "--db", str(db), *FAST, *_workers(2))
        try:
            deadline = time.monotonic() + 120
            pids: list[int] = []
            while len(pids) < 2 and time.monotonic() < deadline and crawl.poll() is None:
                pids = _worker_pids(crawl.pid)
                time.sleep(0.05)
            assert len(pids) == 2, "no extraction workers seen"
            crawl.send_signal(signal.SIGKILL)
            crawl.communicate(timeout=60)
        finally:
            if crawl.poll() is None:
                crawl.kill()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)]
