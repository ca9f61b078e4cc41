"""Costs that must stay flat as the database grows: a crawl into a big database against an empty
one, every canned query's latency on the big one, and bytes per article.

Usage: python -m benchmarks.bench_growth [--db BIG.db] [--articles 200000] [--rumours 1000000]
                                         [--pages 500] [--runs 1]

BIG.db is used as it is when it exists, else built first with benchmarks/synthetic_db.py (tens of
minutes at 200,000 articles; keep the file to measure again). Then, side by side in one run:

- the same loopback site of PAGES generated article pages (tests/loopback_site.py, behind a sitemap)
  crawled by `rumourcrawl crawl` into an empty database and into a copy of BIG.db, alternately RUNS
  times; the median wall times and their ratio (target ≤ 1.2×);
- every canned query of the Datasette plugin (rumourcrawl/data/metadata.yml), run through a real
  Datasette instance with the plugin loaded, as `/DB/QUERY.json` with sample parameters, on the
  crawled copy of BIG.db: the median of 3 timed requests after one warm-up (target < 100 ms);
- database bytes per article, in all and for the largest tables and indexes (SQLite's dbstat).

`measure(...)` returns the rows (dicts: measure, value, unit, target, ok) for the suite to print.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from loopback_site import build_site, unthrottled  # noqa: E402

from rumourcrawl.snapshot_server import SnapshotServer  # noqa: E402

FAST = unthrottled(16, RUMOURCRAWL_MAX_ARTICLES=0, LOG_LEVEL="WARNING")
CRAWL_RATIO_TARGET = 1.2
QUERY_TARGET_MS = 100.0


def _row(measure: str, value, unit: str = "", target: str = "", ok: bool | None = None) -> dict:
    return {"measure": measure, "value": value, "unit": unit, "target": target, "ok": ok}


def _crawl(sitemap: str, db: Path) -> tuple[float, int]:
    """Wall seconds of one `rumourcrawl crawl`, and the articles it stored."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "rumourcrawl", "crawl", "--sitemap", sitemap, "--db", str(db), *FAST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"crawl into {db} failed: {result.stderr[-2000:]}")
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT articles_new FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return seconds, stored


def _copy_db(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: the WAL included)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _sample_parameters(path: Path) -> dict[str, str]:
    """Parameters the canned queries ask for, chosen from the data: the busiest club, a common
    surname, and the date 30 days before the newest story."""
    with sqlite3.connect(path) as conn:
        club = conn.execute(
            "SELECT to_club FROM stories WHERE to_club IS NOT NULL GROUP BY to_club ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        person = conn.execute("SELECT name FROM people ORDER BY stories DESC, name LIMIT 1").fetchone()
        newest = conn.execute("SELECT max(last_seen) FROM stories").fetchone()
    since = (newest[0] or "2026-01-01")[:10]
    from datetime import date, timedelta

    since = (date.fromisoformat(since) - timedelta(days=30)).isoformat()
    return {
        "club": club[0] if club else "Arsenal",
        "person": (person[0] if person else "Haaland").split()[-1],
        "since": since,
    }


async def _canned_query_times(path: Path, repeats: int = 3) -> list[tuple[str, float, int]]:
    """(query, median ms, rows) for every canned query, through Datasette with the plugin."""
    from datasette.app import Datasette

    datasette = Datasette([str(path)], settings={"sql_time_limit_ms": 600_000, "max_returned_rows": 1000})
    await datasette.invoke_startup()
    name = path.stem
    queries = await datasette.get_canned_queries(name, None)
    parameters = _sample_parameters(path)
    timings = []
    for query, definition in queries.items():
        wanted = {p: parameters[p] for p in parameters if f":{p}" in definition["sql"]}
        url = f"/{name}/{query}.json?_shape=array" + ("&" + urlencode(wanted) if wanted else "")
        seconds = []
        rows = 0
        for attempt in range(repeats + 1):
            start = time.perf_counter()
            response = await datasette.client.get(url)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code} {response.text[:500]}")
            rows = len(response.json())
            if attempt:  # the first one warms the page cache
                seconds.append(elapsed)
        timings.append((query, 1000 * statistics.median(seconds), rows))
    return timings


def _bytes_per_article(path: Path, top: int = 6) -> list[dict]:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        try:
            parts = conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?", [top]
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            parts = []
    size = path.stat().st_size
    rows = [_row(f"bytes per article ({articles:,} articles, {size / 1e6:,.0f} MB)", round(size / articles), "B")]
    rows += [_row(f"  of which {name}", round(pgsize / articles), "B") for name, pgsize in parts]
    return rows


def measure(
    db: str | Path | None = None,
    articles: int = 200_000,
    rumours: int = 1_000_000,
    pages: int = 500,
    runs: int = 1,
    workdir: str | Path | None = None,
) -> list[dict]:
    """Measure on BIG `db` (built with `articles` and `rumours` when missing); returns table rows."""
    from benchmarks import synthetic_db

    folder = Path(workdir or tempfile.mkdtemp(prefix="rumourcrawl-growth-"))
    folder.mkdir(parents=True, exist_ok=True)
    big = Path(db) if db else folder / "big.db"
    rows: list[dict] = []
    if not big.exists():
        built = synthetic_db.build(big, articles, rumours)
        rows.append(_row("synthetic database built", built["seconds"], "s"))
    # Brought to the current schema once (a migration is a one-time cost, not one that grows).
    from rumourcrawl import store

    store.open_db(big).close()
    with sqlite3.connect(big) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "rumours", "stories")
        }
    rows.append(
        _row(
            "big database",
            f"{counts['articles']:,} articles, {counts['rumours']:,} rumours, {counts['stories']:,} stories",
        )
    )
    try:
        build_site(folder / "site", pages)
        empty_times, big_times = [], []
        with SnapshotServer(folder / "site") as server:
            sitemap = server.url("sitemap.xml")
            for run in range(runs):
                for kind in ("empty", "big") if run % 2 == 0 else ("big", "empty"):
                    target = folder / f"crawl-{kind}.db"
                    if kind == "big":
                        _copy_db(big, target)
                    else:
                        for suffix in ("", "-wal", "-shm"):
                            Path(str(target) + suffix).unlink(missing_ok=True)
                    seconds, stored = _crawl(sitemap, target)
                    if stored != pages:
                        raise RuntimeError(f"the crawl into the {kind} database stored {stored} of {pages} pages")
                    (empty_times if kind == "empty" else big_times).append(seconds)
        empty_s, big_s = statistics.median(empty_times), statistics.median(big_times)
        ratio = big_s / empty_s
        rows += [
            _row(f"crawl of {pages} pages into an empty database", round(empty_s, 2), "s"),
            _row(f"crawl of {pages} pages into the big database", round(big_s, 2), "s"),
            _row("ratio big/empty", round(ratio, 2), "x", f"<= {CRAWL_RATIO_TARGET}", ratio <= CRAWL_RATIO_TARGET),
        ]
        crawled_big = folder / "crawl-big.db"
        for query, ms, count in asyncio.run(_canned_query_times(crawled_big)):
            rows.append(
                _row(
                    f"canned query {query} ({count} rows)",
                    round(ms, 1),
                    "ms",
                    f"< {QUERY_TARGET_MS:g}",
                    ms < QUERY_TARGET_MS,
                )
            )
        rows += _bytes_per_article(crawled_big)
        rows += _bytes_per_article(folder / "crawl-empty.db", top=0)
    finally:
        if workdir is None:  # a temporary folder (BIG.db is in it only when built without --db)
            shutil.rmtree(folder, ignore_errors=True)
    return rows


def print_table(rows: list[dict]) -> None:
    width = max(len(r["measure"]) for r in rows)
    for r in rows:
        verdict = "" if r["ok"] is None else ("ok" if r["ok"] else "MISSED")
        target = f"target {r['target']}" if r["target"] else ""
        print(f"{r['measure']:<{width}}  {r['value']!s:>12} {r['unit']:<3} {target:<14} {verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_growth", description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="the big database (built first when missing)")
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--rumours", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1, help="crawls into each database, alternately")
    args = parser.parse_args(argv)
    print_table(measure(args.db, args.articles, args.rumours, args.pages, args.runs))


if __name__ == "__main__":
    main()
