"""The benchmark suite: one command, one table, every figure measured side by side in one run.

Usage: python -m benchmarks.suite [--pages 2000] [--rss-pages 20000] [--growth] [--no-in-process]

Builds a loopback site of N article pages from the real fixture pages (tests/fixtures/pages, the
demo site and the seed page: their markup, menus and promos as saved, their paragraphs replaced by
generated transfer-news text so that no two pages are copies, each under its own URL and canonical
link) behind one RSS feed, serves it on loopback, and measures in turn:

1. bare Scrapy fetching every page and doing nothing (benchmarks/bare_spider.py): the engine's ceiling;
2. trafilatura alone over the same HTML files in one process, with its default settings
   (`trafilatura.extract`, as a user would call it) and with the project's settings
   (rumourcrawl.extract.article.TRAFILATURA_OPTIONS);
3. the full crawl into a fresh database (`rumourcrawl crawl --feed … -s RUMOURCRAWL_MAX_ARTICLES=100000`,
   no throttle, HTML kept for step 6), with the default extraction workers (one per core);
4. the same crawl with RUMOURCRAWL_EXTRACT_WORKERS=0 (all in one process), unless --no-in-process;
5. the crawl of step 3 run again on its database: nothing is new (the feed answers 304);
6. `rumourcrawl reextract` on that database.

Wall time, CPU time of all processes (the crawl's workers included), peak memory of the process
and its children (the sum of their RSS, sampled every 0.1 s, and the sum of their PSS, which counts
pages they share once), and from the crawl's own stats the CPU seconds per page by stage
(rumourcrawl/cpu/*: fetch/parse, cleaning, rumours, dedupe, database). Then the ratios against the
targets of issue 9.

--rss-pages N adds a crawl of an N-page site for its peak memory (target < 400 MB for 20,000
pages): the tests' generated site (tests/loopback_site.py: short pages behind a sitemap index),
since 20,000 pages of the real layouts would be 6 GB of HTML; no HTML kept.

--growth runs benchmarks/bench_growth.py's measure() (the crawl into a large synthetic database,
canned-query latency), when that module exists.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from loopback_site import FILLER, RUMOURS, _sentence, unthrottled  # noqa: E402
from loopback_site import build_site as build_generated_site  # noqa: E402

SOURCES = [
    *sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")),
    *sorted(p for p in (ROOT / "rumourcrawl" / "data" / "demo_site" / "news").glob("*.html") if p.name != "index.html"),
    ROOT / "tests" / "fixtures" / "seed" / "football365-klopp-real-madrid.html",
]
FAST = unthrottled(16, CONCURRENT_REQUESTS=16)
STAGES = ("fetch_parse", "cleaning", "rumours", "dedupe", "database")

# ---- the site ----------------------------------------------------------------------------------

_P = re.compile(r"(<p\b[^>]*>)(.*?)(</p>)", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _sentences(rng: random.Random, length: int) -> str:
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < length:
        out.append(_sentence(rng, rng.choice(RUMOURS if rng.random() < 0.35 else FILLER)))
    return html_lib.escape(" ".join(out), quote=False)


def _vary(page: str, index: int, rng: random.Random) -> str:
    """The page with its paragraphs' text replaced, and its own URL wherever it named its canonical one."""

    def paragraph(match: re.Match) -> str:
        inner = match[2]
        text = html_lib.unescape(_TAG.sub("", inner)).strip()
        if len(text) < 40:  # captions, bylines, "Advertisement": kept as they are, like the rest of the chrome
            return match[0]
        return match[1] + _sentences(rng, len(text)) + match[3]

    page = _P.sub(paragraph, page)
    canonical = re.search(r'<link[^>]+rel="canonical"[^>]+href="([^"]+)"', page) or re.search(
        r'<meta[^>]+property="og:url"[^>]+content="([^"]+)"', page
    )
    if canonical:
        old = canonical[1]
        page = page.replace(old, f"{old.rstrip('/')}-b{index}")
    return page


def build_site(folder: Path, pages: int, seed: int = 9) -> list[Path]:
    """N varied pages under folder/news/, listed in folder/rss.xml; returns their files."""
    rng = random.Random(seed)
    templates = [p.read_text(encoding="utf-8", errors="replace") for p in SOURCES]
    (folder / "news").mkdir(parents=True, exist_ok=True)
    files, items = [], []
    for index in range(pages):
        source = SOURCES[index % len(SOURCES)]
        name = f"{index:05d}-{source.stem[:40]}.html"
        path = folder / "news" / name
        path.write_text(_vary(templates[index % len(templates)], index, rng), encoding="utf-8")
        files.append(path)
        items.append(f"<item><title>{name}</title><link>{{{{BASE}}}}/news/{name}</link></item>")
    (folder / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>' + "".join(items) + "</channel></rss>",
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return files


# ---- measuring a process and its children -----------------------------------------------------


def _children_of(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(proc.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, 0 when it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


class Measured:
    """Run a command; wall time, CPU of it and its (waited) children, peak summed RSS and PSS."""

    def __init__(self, command: list[str], cwd: Path = ROOT):
        self.command = command
        self.cwd = cwd
        self.peak_rss = self.peak_pss = 0
        self.processes = 0

    def run(self) -> Measured:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.Popen(
            self.command, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                pids = _children_of(process.pid)
                memory = [_memory_kb(pid) for pid in pids]
                self.peak_rss = max(self.peak_rss, sum(m[0] for m in memory))
                self.peak_pss = max(self.peak_pss, sum(m[1] for m in memory))
                self.processes = max(self.processes, sum(1 for m in memory if m[0]))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        self.stdout, self.stderr = process.communicate()
        self.wall = time.perf_counter() - start
        done.set()
        sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(self.command)} failed ({process.returncode}):\n{self.stderr[-2000:]}")
        return self


# ---- the steps ---------------------------------------------------------------------------------


def trafilatura_alone(folder: str, mode: str) -> None:
    """Run in a subprocess by the suite: extract every page of folder/news in one process."""
    import trafilatura

    from rumourcrawl.extract.article import TRAFILATURA_OPTIONS

    files = sorted(Path(folder, "news").glob("*.html"))
    kept = 0
    for path in files:
        body = path.read_text(encoding="utf-8")
        if mode == "default":
            text = trafilatura.extract(body)
        else:
            document = trafilatura.bare_extraction(body, **TRAFILATURA_OPTIONS)
            text = document.text if document is not None else None
        kept += bool(text)
    print(json.dumps({"pages": len(files), "with_text": kept}))


def _crawl(feed: str, db: Path, *extra: str, option: str = "--feed") -> list[str]:
    return [
        sys.executable, "-m", "rumourcrawl", "crawl", "--no-progress", option, feed, "--db", str(db),
        "-s", "RUMOURCRAWL_MAX_ARTICLES=100000", *FAST, *extra,
    ]  # fmt: skip


def _run_stats(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        (stats,) = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        counts = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM rumours)").fetchone()
    return {**json.loads(stats), "articles": counts[0], "rumours": counts[1]}


def _responses(stats: dict) -> int:
    """Responses received (the crawl_runs row keeps their counts by status)."""
    return sum(v for k, v in stats.items() if k.startswith("downloader/response_status_count/"))


def _row(label: str, m: Measured, pages: int, note: str = "") -> list[str]:
    return [
        label,
        f"{m.wall:.1f}",
        f"{pages / m.wall:.1f}" if pages else "",
        f"{1000 * m.cpu / pages:.1f}" if pages else f"{m.cpu:.1f} s",
        f"{m.peak_rss / 1024:.0f} / {m.peak_pss / 1024:.0f}",
        note,
    ]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def _stage_rows(stats: dict, pages: int) -> list[str]:
    return [f"{1000 * stats.get(f'rumourcrawl/cpu/{stage}', 0.0) / pages:.1f}" for stage in STAGES]


def main() -> None:
    parser = argparse.ArgumentParser(description="rumourcrawl's benchmark suite (prints one table)")
    parser.add_argument("--pages", type=int, default=2000, help="pages in the loopback site (default 2000)")
    parser.add_argument("--rss-pages", type=int, default=0, help="also crawl a site of this many pages for peak RSS")
    parser.add_argument("--growth", action="store_true", help="also run benchmarks/bench_growth.py's measure()")
    parser.add_argument(
        "--no-in-process", action="store_true", help="skip the crawl with RUMOURCRAWL_EXTRACT_WORKERS=0"
    )
    parser.add_argument("--keep", help="build the site and databases in this folder and keep them")
    parser.add_argument("--trafilatura-alone", nargs=2, metavar=("FOLDER", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trafilatura_alone:
        trafilatura_alone(*args.trafilatura_alone)
        return

    from rumourcrawl.snapshot_server import SnapshotServer
    from rumourcrawl.workers import default_workers

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rumourcrawl-suite-"))
    work.mkdir(parents=True, exist_ok=True)
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    pages = args.pages
    build_site(site, pages)
    rows: list[list[str]] = []
    stage_rows: list[list[str]] = []
    ratios: list[list[str]] = []
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    try:
        with SnapshotServer(site) as server:
            feed = server.url("rss.xml")
            say(f"{pages} pages on {server.url('')}; 1/6 bare Scrapy")
            bare = Measured(
                [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
                 "-a", f"feed={feed}", "-s", "ITEM_PIPELINES={}", "-s", "LOG_LEVEL=ERROR", *FAST]
            ).run()  # fmt: skip
            rows.append(_row("bare Scrapy fetch (engine ceiling)", bare, pages))
            say("2/6 trafilatura alone")
            alone = {}
            for mode, label in (
                ("default", "trafilatura alone, its defaults"),
                ("project", "trafilatura alone, our settings"),
            ):
                m = Measured([sys.executable, "-m", "benchmarks.suite", "--trafilatura-alone", str(site), mode]).run()
                alone[mode] = m
                rows.append(_row(label, m, pages, f"{json.loads(m.stdout)['with_text']} pages with text"))
            say("3/6 full crawl")
            db = work / "crawl.db"
            for stale in work.glob("crawl.db*"):
                stale.unlink()
            crawl = Measured(_crawl(feed, db, "-s", "RUMOURCRAWL_STORE_HTML=True")).run()
            stats = _run_stats(db)
            workers = stats.get("rumourcrawl/extract_workers", default_workers())
            note = f"{stats['articles']} articles, {stats['rumours']} rumours, {crawl.processes} processes"
            rows.append(_row(f"full crawl, fresh db, {workers} workers", crawl, pages, note))
            stage_rows.append(
                [
                    f"full crawl, {workers} workers",
                    *_stage_rows(stats, pages),
                    f"{stats.get('rumourcrawl/cpu/workers', 0.0) / max(crawl.cpu, 1e-9):.0%}",
                ]
            )
            if not args.no_in_process:
                say("4/6 full crawl, no workers")
                db0 = work / "crawl-inprocess.db"
                for stale in work.glob("crawl-inprocess.db*"):
                    stale.unlink()
                single = Measured(
                    _crawl(feed, db0, "-s", "RUMOURCRAWL_STORE_HTML=True", "-s", "RUMOURCRAWL_EXTRACT_WORKERS=0")
                ).run()
                stats0 = _run_stats(db0)
                rows.append(
                    _row(
                        "full crawl, fresh db, in process (0 workers)",
                        single,
                        pages,
                        f"{stats0['articles']} articles, {stats0['rumours']} rumours",
                    )
                )
                stage_rows.append(["full crawl, in process", *_stage_rows(stats0, pages), "0%"])
            say("5/6 re-run, nothing new")
            rerun = Measured(_crawl(feed, db)).run()
            rerun_stats = _run_stats(db)
            rows.append(_row("re-run, nothing new", rerun, 0, f"{_responses(rerun_stats)} responses"))
            say("6/6 reextract")
            reextract = Measured([sys.executable, "-m", "rumourcrawl", "reextract", "--db", str(db)]).run()
            rows.append(
                _row(
                    "rumourcrawl reextract", reextract, stats["articles"], reextract.stdout.strip().splitlines()[0][:60]
                )
            )
            if args.rss_pages:
                say(f"peak RSS: crawl of {args.rss_pages} pages")
                big = work / "site-rss"
                shutil.rmtree(big, ignore_errors=True)
                # The tests' generated site (short pages, 100-URL sitemaps): 20,000 pages of the
                # size above would be 6 GB of HTML. The peak is what stays resident across a long crawl.
                build_generated_site(big, args.rss_pages)
                with SnapshotServer(big) as big_server:
                    big_db = work / "rss.db"
                    for stale in work.glob("rss.db*"):
                        stale.unlink()
                    big_crawl = Measured(_crawl(big_server.url("sitemap.xml"), big_db, option="--sitemap")).run()
                big_stats = _run_stats(big_db)
                rows.append(
                    _row(
                        f"crawl of {args.rss_pages} pages (peak RSS)",
                        big_crawl,
                        args.rss_pages,
                        f"{big_stats['articles']} articles",
                    )
                )
                shutil.rmtree(big, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{pages} pages ({len(SOURCES)} real page layouts, generated text), {default_workers()} cores; one run")
    print(_table(["step", "wall s", "pages/s", "CPU ms/page", "peak MB RSS / PSS", "note"], rows))
    print("\nCPU ms per page by stage (the crawl's own stats, workers included)")
    print(_table(["crawl", *STAGES, "in workers"], stage_rows))
    ratio = crawl.wall / alone["default"].wall
    ratios.append(
        ["full crawl / trafilatura alone (defaults)", f"{ratio:.2f}", "≤ 1.0", "yes" if ratio <= 1.0 else "NO"]
    )
    ratio_ours = crawl.wall / alone["project"].wall
    ratios.append(["full crawl / trafilatura alone (our settings)", f"{ratio_ours:.2f}", "", ""])
    ratios.append(["full crawl / bare Scrapy", f"{crawl.wall / bare.wall:.2f}", "", ""])
    if not args.no_in_process:
        ratios.append(["full crawl, workers / in process", f"{crawl.wall / single.wall:.2f}", "", ""])
    share = rerun.wall / crawl.wall
    ratios.append(["re-run / first run", f"{share:.3f}", "< 0.05", "yes" if share < 0.05 else "NO"])
    if args.rss_pages:
        peak = big_crawl.peak_rss / 1024
        ratios.append(
            [
                f"peak RSS, {args.rss_pages} pages (MB, sum of processes)",
                f"{peak:.0f}",
                "< 400",
                "yes" if peak < 400 else "NO",
            ]
        )
        ratios.append([f"peak PSS, {args.rss_pages} pages (MB)", f"{big_crawl.peak_pss / 1024:.0f}", "", ""])
    print("\nTargets (issue 9)")
    print(_table(["ratio", "measured", "target", "holds"], ratios))
    if args.growth:
        # HOOK for benchmarks/bench_growth.py (issue 9, storage side): its measure() returns table rows.
        try:
            from benchmarks import bench_growth
        except ImportError:
            print("\n--growth: benchmarks/bench_growth.py is not here (yet): nothing measured")
        else:
            print("\nGrowth (benchmarks/bench_growth.py)")
            for row in bench_growth.measure():
                print(row if isinstance(row, str) else " | ".join(map(str, row)))


if __name__ == "__main__":
    main()
