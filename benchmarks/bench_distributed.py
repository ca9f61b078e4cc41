"""Pages per second for 1 and 2 distributed crawler processes (plus the one writer), side by side.

Usage: python benchmarks/bench_distributed.py [PAGES] [RUNS]   (defaults 1000 and 1)

Builds the generated loopback site of the tests (tests/loopback_site.py), starts a throwaway
redis-server, and for each process count runs `rumourcrawl crawl --redis` that many times at once
with one `rumourcrawl drain`, into a fresh database and a flushed Redis. Prints, per process count,
the median wall time until the crawlers are done and until every page is in SQLite, as pages/s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from loopback_site import RedisServer, build_site, unthrottled  # noqa: E402

from rumourcrawl.snapshot_server import SnapshotServer  # noqa: E402

FAST = unthrottled(8, RUMOURCRAWL_MAX_ARTICLES=0, LOG_LEVEL="WARNING")


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rumourcrawl", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def one_run(server, redis_server, folder: Path, processes: int) -> tuple[float, float]:
    redis_server.client().flushall()
    db = folder / f"bench-{processes}-{time.monotonic_ns()}.db"
    logs = folder / "logs"
    start = time.perf_counter()
    crawlers = [
        cli("crawl", "--redis", redis_server.url, "--sitemap", server.url("sitemap.xml"), *FAST,
            "--log-file", str(logs / f"crawler{i}.log"))
        for i in range(processes)
    ]  # fmt: skip
    writer = cli("drain", "--redis", redis_server.url, "--db", str(db), "--until-idle", "1")
    for crawler in crawlers:
        if crawler.wait() != 0:
            raise SystemExit(f"a crawler failed: see {logs}")
    crawled = time.perf_counter() - start
    if writer.wait() != 0:
        raise SystemExit("the writer failed")
    stored = time.perf_counter() - start
    return crawled, stored


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory(prefix="rumourcrawl-bench-") as tmp:
        folder = Path(tmp)
        (folder / "logs").mkdir()
        build_site(folder / "site", pages)
        with SnapshotServer(folder / "site") as server, RedisServer(folder / "redis") as redis_server:
            times: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            for _ in range(runs):  # alternate, so machine noise hits both alike
                for processes in times:
                    times[processes].append(one_run(server, redis_server, folder, processes))
    print(f"{pages} pages, {runs} run(s) each, {os.cpu_count()} CPUs; median wall time")
    print("crawlers  crawl done        all stored")
    base = None
    for processes, results in times.items():
        crawled = statistics.median(r[0] for r in results)
        stored = statistics.median(r[1] for r in results)
        base = base or pages / stored
        print(
            f"{processes:>8}  {crawled:6.1f} s {pages / crawled:6.1f} p/s"
            f"  {stored:6.1f} s {pages / stored:6.1f} p/s  ×{pages / stored / base:.2f}"
        )


if __name__ == "__main__":
    main()
