"""Our crawl (spider + clean + rumours + store) against bare Scrapy fetching the same loopback pages.

Usage: python benchmarks/bench_crawl.py [COPIES] [RUNS]

Builds a site of COPIES × the demo articles (each under its own URL and canonical link), serves it on
loopback, and times, in one run and alternately: bare Scrapy fetching every page and doing nothing
(benchmarks/bare_spider.py), and `rumourcrawl crawl --refetch` storing them. Prints pages per second
for both and the ratio, the price of cleaning, extraction and storage per page.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from loopback_site import unthrottled  # noqa: E402

from rumourcrawl.snapshot_server import SnapshotServer  # noqa: E402

DEMO_NEWS = ROOT / "rumourcrawl" / "data" / "demo_site" / "news"
FAST = unthrottled(8, LOG_LEVEL="ERROR")


def build_site(folder: Path, copies: int) -> int:
    articles = sorted(p for p in DEMO_NEWS.glob("*.html") if p.name != "index.html")
    (folder / "news").mkdir(parents=True)
    items = []
    for copy in range(copies):
        for page in articles:
            name = f"{page.stem}-{copy}.html"
            html = page.read_text(encoding="utf-8")
            # A distinct canonical URL per copy, so every page is its own article row.
            html = re.sub(r'(<link rel="canonical" href="[^"]+)"', rf'\1-{copy}"', html)
            (folder / "news" / name).write_text(html, encoding="utf-8")
            items.append(f"<item><title>{name}</title><link>{{{{BASE}}}}/news/{name}</link></item>")
    (folder / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>' + "".join(items) + "</channel></rss>",
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return len(items)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    workdir = Path(tempfile.mkdtemp(prefix="rumourcrawl-bench-"))
    try:
        pages = build_site(workdir / "site", copies)
        with SnapshotServer(workdir / "site") as server:
            feed = server.url("rss.xml")
            bare_cmd = [
                sys.executable,
                "-m",
                "scrapy",
                "runspider",
                str(ROOT / "benchmarks" / "bare_spider.py"),
                "-a",
                f"feed={feed}",
                "-s",
                "ITEM_PIPELINES={}",
                *FAST,
            ]
            ours_cmd = [
                sys.executable,
                "-m",
                "rumourcrawl",
                "crawl",
                "--refetch",
                "--feed",
                feed,
                "--db",
                str(workdir / "bench.db"),
                *FAST,
            ]
            bare, ours = [], []
            for _ in range(runs):  # alternate, so machine noise hits both alike
                bare.append(timed(bare_cmd))
                ours.append(timed(ours_cmd))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    bare_s, ours_s = statistics.median(bare), statistics.median(ours)
    print(f"pages: {pages} ({copies} copies of the demo articles), runs: {runs}, median wall time per run")
    print(f"bare Scrapy fetch : {bare_s:6.2f} s  {pages / bare_s:7.1f} pages/s")
    print(f"rumourcrawl crawl : {ours_s:6.2f} s  {pages / ours_s:7.1f} pages/s")
    print(f"ratio ours/bare   : {ours_s / bare_s:6.2f}x  (extra {1000 * (ours_s - bare_s) / pages:.1f} ms per page)")


if __name__ == "__main__":
    main()
