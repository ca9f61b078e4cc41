"""Command line: rumourcrawl demo | crawl | drain | latest | serve | extract | reextract | eval | train."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import json
import logging
import logging.handlers
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from rumourcrawl import __version__
from rumourcrawl.paths import default_db, package_data

DEMO_SITE = package_data("demo_site")


def _db_help(what: str = "SQLite file") -> str:
    """--db's help: the rule for the default, and what it is here and now."""
    rule = "$RUMOURCRAWL_DB, else data/rumours.db in a checkout, else rumours.db in the per-user data folder"
    return f"{what} (default: {rule}; here: {default_db()})".replace("%", "%%")


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 2."""


# ---- crawling -------------------------------------------------------------------------------


def project_settings(overrides: dict[str, str] | None = None, db: str | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "rumourcrawl.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if db:
        settings.set("RUMOURCRAWL_DB", str(Path(db).expanduser()), priority="cmdline")
    return settings


def resolve_db(option: str | None) -> str:
    """The database a command uses: --db PATH, else the default (see rumourcrawl/paths.py)."""
    return str(Path(option).expanduser() if option else default_db())


def run_crawls(settings, jobs: list[tuple[str, dict]], log_handler: logging.Handler | None = None) -> list[dict]:
    """Run spiders (by name, with their arguments) in one Scrapy process; return each one's stats.

    With `log_handler`, the log goes there instead of Scrapy's usual stderr handler.
    """
    from scrapy.crawler import CrawlerProcess

    if log_handler is not None:
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    if log_handler is not None and log_handler not in logging.root.handlers:
        logging.root.setLevel(logging.DEBUG)  # the handler's own level filters
        logging.root.addHandler(log_handler)
    process = CrawlerProcess(settings)
    crawlers = []
    for spider_name, kwargs in jobs:
        crawler = process.create_crawler(spider_name)
        crawlers.append(crawler)
        process.crawl(crawler, **kwargs)
    process.start()
    return [_crawler_stats(crawler) for crawler in crawlers]


def _crawler_stats(crawler) -> dict:
    try:
        return crawler.stats.get_stats()
    except RuntimeError:  # the spider never started (a bad argument or setting): its traceback is in the log
        return {"rumourcrawl/errors": 1, "rumourcrawl/errors/spider_not_started": 1}


def check_database(path: str | Path) -> None:
    """Open (creating or migrating) the database once before any crawl, so a bad file fails clearly."""
    import sqlite3

    from rumourcrawl import store

    try:
        store.open_db(path).close()
    except store.SchemaTooNewError as exc:
        raise CliError(str(exc)) from exc
    except (sqlite3.DatabaseError, OSError, RuntimeError) as exc:
        raise CliError(f"cannot use database {path}: {exc}") from exc


def existing_database(path: str | Path) -> str:
    """A rumourcrawl database that must already exist (to read, serve or re-extract), migrated if older.

    Anything else is refused with a clear message and left untouched: a missing file (not created),
    a file that is not SQLite or has no rumourcrawl tables, one written by a newer rumourcrawl.
    """
    import sqlite3

    from rumourcrawl import store

    path = Path(path)
    if not path.is_file():
        raise CliError(f"no such database: {path} (create one with `rumourcrawl demo` or `rumourcrawl crawl`)")
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise CliError(f"{path} is not a SQLite database: {exc}") from exc
    if "articles" not in tables:
        raise CliError(f"{path} is not a rumourcrawl database (it has no articles table); nothing was changed")
    if version != store.SCHEMA_VERSION:
        check_database(path)  # refuses a newer schema untouched; migrates an older one
    return str(path)


# Settings whose type the spider relies on: a typo in `-s` should fail here, not inside Scrapy.
_TYPED_SETTINGS = {
    "getint": ("RUMOURCRAWL_MAX_ARTICLES", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_MAXSIZE"),
    "getfloat": ("RUMOURCRAWL_RECHECK_DAYS", "RUMOURCRAWL_RETRY_AFTER_MAX", "DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT"),
    "getbool": ("RUMOURCRAWL_REFETCH", "RUMOURCRAWL_STORE_HTML", "RUMOURCRAWL_RESUME", "ROBOTSTXT_OBEY"),
}


def check_settings(settings) -> None:
    workers = settings.get("RUMOURCRAWL_EXTRACT_WORKERS")
    if workers is not None and str(workers).strip() != "" and not str(workers).strip().isdigit():
        raise CliError(f"setting RUMOURCRAWL_EXTRACT_WORKERS must be a whole number (0: none), got {workers!r}")
    for getter, names in _TYPED_SETTINGS.items():
        for name in names:
            try:
                getattr(settings, getter)(name)
            except ValueError:
                kind = {"getint": "a whole number", "getfloat": "a number", "getbool": "True or False"}[getter]
                raise CliError(f"setting {name} must be {kind}, got {settings.get(name)!r}") from None


def check_urls(option: str, urls: list[str]) -> None:
    from urllib.parse import urlsplit

    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CliError(f"{option} takes an http(s) URL, got {url!r}")


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"-s takes NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def summarise(stats: dict) -> dict[str, int]:
    return {
        "pages fetched": stats.get("response_received_count", 0),
        "articles stored": stats.get("rumourcrawl/articles_new", 0) + stats.get("rumourcrawl/articles_updated", 0),
        "new articles": stats.get("rumourcrawl/articles_new", 0),
        "rumours found": stats.get("rumourcrawl/rumours_stored", 0),
        "unchanged listings": stats.get("rumourcrawl/feeds_not_modified", 0),
        "pages skipped": stats.get("rumourcrawl/skipped", 0),
        "errors": stats.get("rumourcrawl/errors", 0),
    }


def _print_summary(label: str, stats: dict, out=sys.stdout) -> None:
    figures = summarise(stats)
    print(f"{label}: " + ", ".join(f"{value} {name}" for name, value in figures.items()), file=out)
    reasons = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("rumourcrawl/skipped/")}
    reasons |= {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("rumourcrawl/errors/")}
    if reasons:
        print("  skipped or failed: " + ", ".join(f"{k} × {v}" for k, v in sorted(reasons.items())), file=out)


class CrawlLock:
    """An exclusive lock on `DB.lock`, held for the whole run so overlapping cron runs never crawl twice.

    flock locks vanish with their process, so a killed run never leaves a stale lock behind.
    """

    def __init__(self, db_path: str | Path):
        self.path = Path(str(db_path) + ".lock")
        self.file = None

    def acquire(self, wait: bool) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")  # noqa: SIM115 (held open for the run)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self.file.close()
            self.file = None
            return False
        self.file.seek(0)
        self.file.truncate()
        self.file.write(f"{os.getpid()}\n")
        self.file.flush()
        return True

    def holder(self) -> str:
        with contextlib.suppress(OSError):
            return self.path.read_text().strip() or "?"
        return "?"

    def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def _log_handler(args, settings, on_terminal: bool) -> tuple[logging.Handler, str]:
    """Cron (no terminal): append to a log file. A terminal: warnings and errors only, under the progress line."""
    fmt = logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    log_file = args.log_file or ("-" if on_terminal else str(Path(settings.get("RUMOURCRAWL_DB")).parent / "crawl.log"))
    if log_file == "-":
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        level = args.log_level or ("WARNING" if on_terminal else settings.get("LOG_LEVEL"))
        where = "the terminal"
    else:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        # Watched: if logrotate moves the file mid-run, the next line goes to a new file.
        handler = logging.handlers.WatchedFileHandler(log_file, encoding="utf-8")
        level = args.log_level or settings.get("LOG_LEVEL")
        where = log_file
    handler.setFormatter(fmt)
    handler.setLevel(level.upper())
    return handler, where


def _failed(stats: dict) -> bool:
    """A site failed as a whole when it had errors and nothing worked: no feed, section or article."""
    worked = (
        "rumourcrawl/feeds",
        "rumourcrawl/sitemaps",
        "rumourcrawl/feeds_not_modified",
        "rumourcrawl/sections",
        "rumourcrawl/articles_new",
        "rumourcrawl/articles_updated",
        "rumourcrawl/already_stored",
    )
    return bool(stats.get("rumourcrawl/errors", 0)) and not any(stats.get(key) for key in worked)


def cmd_crawl(args) -> int:
    from rumourcrawl.sites import all_sites

    sites = all_sites()
    names = sorted(sites) if args.all else args.sites
    unknown = [n for n in names if n not in sites]
    if unknown:
        raise CliError(f"unknown site(s): {', '.join(unknown)}; configured: {', '.join(sorted(sites))}")
    jobs: list[tuple[str, dict]] = [(name, {}) for name in names]
    adhoc = {
        key: ",".join(values)
        for key, values in (
            ("feeds", args.feed),
            ("sitemaps", args.sitemap),
            ("sections", args.section),
            ("urls", args.url),
        )
        if values
    }
    for option, urls in (
        ("--feed", args.feed),
        ("--sitemap", args.sitemap),
        ("--section", args.section),
        ("--url", args.url),
    ):
        check_urls(option, urls)
    if adhoc:
        jobs.append(("news", adhoc))
    if not jobs:
        raise CliError("nothing to crawl: name a site (see `scrapy list`), use --all, or give --feed URL")
    overrides = _parse_settings(args.set)
    if args.refetch:
        overrides["RUMOURCRAWL_REFETCH"] = "True"
    if args.redis:
        overrides["REDIS_URL"] = args.redis
    on_terminal = sys.stderr.isatty()
    if on_terminal and not args.no_progress:
        overrides["RUMOURCRAWL_PROGRESS"] = "True"
    settings = project_settings(overrides, db=args.db)
    check_settings(settings)
    db_path = settings.get("RUMOURCRAWL_DB")
    if settings.get("REDIS_URL"):
        # A distributed crawler writes no database: it shares a crawl with any number of others.
        return _crawl_distributed(args, settings, jobs, on_terminal)
    check_database(db_path)
    handler, log_where = _log_handler(args, settings, on_terminal)
    logging.root.setLevel(logging.DEBUG)  # the handler's own level filters
    logging.root.addHandler(handler)
    log = logging.getLogger("rumourcrawl.cli")

    def say(message: str, **print_args) -> None:
        """Print a line and keep it in the log, so the log tells the whole story of each run."""
        print(message, **print_args)
        if log_where != "the terminal":
            log.info(message)

    lock = CrawlLock(db_path)
    if not lock.acquire(wait=False):
        if not args.wait:
            say(f"rumourcrawl: another crawl (pid {lock.holder()}) is writing {db_path}; not starting a second one")
            return 0
        say(f"rumourcrawl: waiting for the crawl running on {db_path} (pid {lock.holder()}) to finish", flush=True)
        lock.acquire(wait=True)
    try:
        say(f"Crawling {', '.join(name for name, _ in jobs)} (pid {os.getpid()}); log: {log_where}", flush=True)
        started = time.monotonic()
        all_stats = run_crawls(settings, jobs, log_handler=handler)
    finally:
        lock.release()
    for (name, _kwargs), stats in zip(jobs, all_stats, strict=True):
        summary = io.StringIO()
        _print_summary(name, stats, out=summary)
        for line in summary.getvalue().splitlines():
            say(line)
    say(f"Database: {db_path} ({time.monotonic() - started:.0f}s)")
    failed = [name for (name, _), stats in zip(jobs, all_stats, strict=True) if _failed(stats)]
    for (name, _), stats in zip(jobs, all_stats, strict=True):
        # One line per troubled site and run: failed as a whole, blocked, or its listings named no article.
        warning = stats.get("rumourcrawl/warning")
        if name in failed:
            reason = f": {warning}" if warning else ""
            say(f"rumourcrawl: {name} failed: nothing could be fetched (see {log_where}){reason}", file=sys.stderr)
        elif warning:
            say(f"rumourcrawl: warning: {warning}", file=sys.stderr)
    return 1 if failed else 0


def check_redis(url: str) -> None:
    try:
        import redis
    except ImportError:
        raise CliError("--redis needs the distributed extra: pip install 'rumourcrawl[distributed]'") from None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        raise CliError(f"cannot reach Redis at {url}: {exc}") from exc


def _crawl_distributed(args, settings, jobs, on_terminal: bool) -> int:
    """`crawl --redis URL`: one crawler process of a shared crawl; `rumourcrawl drain` stores its pages."""
    url = settings.get("REDIS_URL")
    check_redis(url)
    handler, log_where = _log_handler(args, settings, on_terminal)
    print(
        f"Crawling {', '.join(name for name, _ in jobs)} through {url} (pid {os.getpid()}); log: {log_where}",
        flush=True,
    )
    started = time.monotonic()
    all_stats = run_crawls(settings, jobs, log_handler=handler)
    for (name, _kwargs), stats in zip(jobs, all_stats, strict=True):
        pushed = stats.get("rumourcrawl/redis/pages_pushed", 0)
        print(
            f"{name}: {stats.get('response_received_count', 0)} pages fetched, {pushed} articles sent to the writer,"
            f" {stats.get('rumourcrawl/skipped', 0)} pages skipped, {stats.get('rumourcrawl/errors', 0)} errors"
        )
    print(f"Sent to {url} ({time.monotonic() - started:.0f}s); `rumourcrawl drain` stores them")
    failed = [name for (name, _), stats in zip(jobs, all_stats, strict=True) if _failed(stats)]
    for name in failed:
        print(f"rumourcrawl: {name} failed: nothing could be fetched (see {log_where})", file=sys.stderr)
    return 1 if failed else 0


def cmd_drain(args) -> int:
    """The one writer of a distributed crawl: Redis item stream → SQLite."""
    overrides = _parse_settings(args.set)
    overrides["REDIS_URL"] = args.redis
    settings = project_settings(overrides, db=args.db)
    check_redis(args.redis)
    db_path = settings.get("RUMOURCRAWL_DB")
    check_database(db_path)
    logging.basicConfig(level=args.log_level, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    lock = CrawlLock(db_path)
    if not lock.acquire(wait=False):
        raise CliError(f"another process (pid {lock.holder()}) is writing {db_path}")
    from rumourcrawl.distributed.writer import drain

    try:
        print(f"Draining {args.redis} into {db_path} (pid {os.getpid()})", flush=True)
        totals = drain(settings, until_idle=args.until_idle, batch=args.batch)
    finally:
        lock.release()
    print(f"Stored {totals['stored']} of {totals['pages']} pages received; {totals['runs']} crawler runs recorded")
    return 0


def cmd_demo(args) -> int:
    from rumourcrawl.snapshot_server import SnapshotServer

    site = Path(args.site) if args.site else DEMO_SITE
    if not site.is_dir():
        raise CliError(f"demo site folder not found: {site}")
    db = resolve_db(args.db)
    check_database(db)
    with SnapshotServer(site) as server:
        print(f"Serving the bundled demo site at {server.base_url}/ (loopback only)")
        settings = project_settings(
            {
                # Loopback is not a news site: no need to wait between requests.
                "DOWNLOAD_DELAY": "0",
                "AUTOTHROTTLE_START_DELAY": "0",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
                "RETRY_TIMES": "0",
                "RUMOURCRAWL_REFETCH": "True",
                # Keep the pages, so `rumourcrawl reextract` works on the demo database too.
                "RUMOURCRAWL_STORE_HTML": "True",
                # Each demo serves on a new port: a saved queue could never be resumed.
                "RUMOURCRAWL_RESUME": "False",
                "LOG_LEVEL": args.log_level,
            },
            db=db,
        )
        jobs = [
            (
                "news",
                {
                    "feeds": server.url("rss.xml"),
                    "sitemaps": server.url("sitemap.xml"),
                    "sections": server.url("/"),
                },
            )
        ]
        (stats,) = run_crawls(settings, jobs)
    _print_summary("Demo crawl", stats)
    from rumourcrawl import store

    totals = store.counts(db)
    print(
        f"Database {db} now holds {totals['articles']} articles, {totals['rumours']} rumours"
        f" and {totals['stories']} stories."
    )
    db_option = "" if Path(db) == default_db() else f" --db {_shown_path(Path(db))}"
    command = _command_name()
    print(f"Read the newest stories here:\n  {command} latest{db_option}")
    print(f"Browse it in Datasette (titles, facets, canned queries, an Atom feed):\n  {command} serve{db_option}")
    return 0 if summarise(stats)["articles stored"] else 1


def _command_name() -> str:
    """How to run rumourcrawl again from here: `rumourcrawl` when that is on PATH, else this script's path
    (`.venv/bin/rumourcrawl` in a clone whose venv is not activated)."""
    import shutil

    script = Path(sys.argv[0])
    if script.name == "rumourcrawl" and script.is_file():
        on_path = shutil.which("rumourcrawl")
        if not on_path or Path(on_path).resolve() != script.resolve():
            return _shown_path(script)
    return "rumourcrawl"


def _shown_path(path: Path) -> str:
    """A path as the user can type it from here: relative under the working directory, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


# ---- reading: latest, serve -----------------------------------------------------------------

# `latest --json` keys, from the stories table; "confidence" is null where the schema has none yet.
LATEST_FIELDS = (
    "id",
    "title",
    "subject",
    "from_club",
    "to_club",
    "latest_stage",
    "furthest_stage",
    "first_seen",
    "last_seen",
    "articles",
    "outlets",
    "first_outlet",
    "best_tier",
    "confidence",
    "fee_range",
    "first_article",
)


def _since(value: str | None) -> str | None:
    """--since: an ISO date (or date and time), kept as text to compare with the stored ISO timestamps."""
    if value is None:
        return None
    from datetime import date, datetime

    text = value.strip()
    try:
        (date.fromisoformat if len(text) == 10 else datetime.fromisoformat)(text)
    except ValueError:
        raise CliError(f"--since takes a date such as 2026-03-01, got {value!r}") from None
    return text


def latest_stories(
    db: str, club: str | None = None, since: str | None = None, limit: int = 20, min_confidence: float = 0.0
) -> tuple[list[dict], bool]:
    """The newest stories (by last report), to or from one club (any common name) and since a date if asked,
    at least as confident as `min_confidence`; and whether the schema has a confidence column."""
    import sqlite3

    from rumourcrawl.extract.gazetteer import canonical_club

    with contextlib.closing(sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        columns = {row["name"] for row in conn.execute("PRAGMA table_info(stories)")}
        selected = ", ".join(f"s.{name}" if name in columns else f"NULL AS {name}" for name in LATEST_FIELDS)
        where, params = [], {}
        if club:
            where.append("(s.to_club = :club COLLATE NOCASE OR s.from_club = :club COLLATE NOCASE)")
            params["club"] = canonical_club(club) or club.strip()
        if since:
            where.append("s.last_seen >= :since")
            params["since"] = since
        if min_confidence and "confidence" in columns:
            where.append("coalesce(s.confidence, 1) >= :min_confidence")
            params["min_confidence"] = min_confidence
        sql = (
            f"SELECT {selected} FROM stories s"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY s.last_seen IS NULL, s.last_seen DESC, s.id LIMIT :limit"
        )
        params["limit"] = limit
        return [dict(row) for row in conn.execute(sql, params)], "confidence" in columns


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def format_table(headers: list[str], rows: list[list[str]], width: int | None = None, squeeze: int = 0) -> str:
    """A plain-text table; when `width` is given, column `squeeze` is cut (…) to fit it."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    if width:
        spare = width - (sum(widths) + 2 * (len(widths) - 1))
        if spare < 0:
            widths[squeeze] = max(len(headers[squeeze]), widths[squeeze] + spare, 12)

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            if len(cell) > widths[i]:
                cell = cell[: widths[i] - 1] + "…"
            out.append(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    numeric = {i for i, h in enumerate(headers) if h in ("outlets", "articles", "confidence", "tier")}
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def cmd_latest(args) -> int:
    import shutil

    db = existing_database(resolve_db(args.db))
    if args.limit < 1:
        raise CliError("--limit takes a whole number of 1 or more")
    from rumourcrawl.extract.rumours.model import min_confidence_setting  # the plugin's, without Datasette

    threshold = min_confidence_setting() if args.min_confidence is None else args.min_confidence
    stories, has_confidence = latest_stories(
        db, club=args.club, since=_since(args.since), limit=args.limit, min_confidence=threshold
    )
    if args.json:
        json.dump(stories, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not stories:
        what = " about " + args.club if args.club else ""
        print(f"No stories{what}" + (f" since {args.since}" if args.since else "") + f" in {db}.")
        return 0
    # Confidence once the schema has it; until then the best source tier (1 = most reliable).
    rank = ("confidence", "confidence") if has_confidence else ("tier", "best_tier")
    headers = ["last seen", "story", "from", "stage", "outlets", rank[0], "fee"]
    rows = [
        [
            _cell(s["last_seen"])[:10],
            _cell(s["title"]),
            _cell(s["from_club"]),
            _cell(s["latest_stage"]),
            _cell(s["outlets"]),
            _cell(s[rank[1]]),
            _cell(s["fee_range"]),
        ]
        for s in stories
    ]
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    print(format_table(headers, rows, width=width, squeeze=1))
    return 0


def _free_port(host: str) -> int:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def cmd_serve(args) -> int:
    from datasette.cli import cli as datasette_cli
    from datasette.utils import tilde_encode

    db = existing_database(resolve_db(args.db))
    port = args.port or _free_port(args.host)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{port}/{tilde_encode(Path(db).stem)}"
    # Datasette reads a file database through read-only connections (SQLite mode=ro) and rumourcrawl
    # adds no canned query that writes: browsing never changes the file.
    print(f"Serving {db} read-only at {url}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    argv = ["serve", db, "--host", args.host, "--port", str(port)]
    if args.open:
        argv.append("--open")
    try:
        datasette_cli.main(args=argv, prog_name="datasette", standalone_mode=False)
    except KeyboardInterrupt:
        pass
    return 0


# ---- extraction -----------------------------------------------------------------------------


def _fetch(url: str) -> tuple[bytes, str]:
    from rumourcrawl.settings import USER_AGENT

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read(10 * 1024 * 1024), response.headers.get("Content-Type", "")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CliError(f"could not fetch {url}: {getattr(exc, 'reason', exc)}") from exc


def cmd_extract(args) -> int:
    from rumourcrawl.extract import ExtractionError, article_from_text, extract_article
    from rumourcrawl.extract.rumours.model import is_shown, min_confidence_setting
    from rumourcrawl.sites import site_for_url

    target = args.target
    is_url = target.startswith(("http://", "https://"))
    if is_url:
        body, content_type = _fetch(target)
    else:
        path = Path(target)
        if not path.is_file():
            raise CliError(f"no such file: {target}")
        body, content_type = path.read_bytes(), None
    url = args.url or (target if is_url else None)
    if args.text:
        article = article_from_text(body.decode("utf-8", errors="replace"), url=url, outlet=args.outlet)
    else:
        site = site_for_url(url) if url else None
        try:
            article = extract_article(
                body, url, content_type=content_type, **({"rules": site.cleaning} if site else {})
            )
        except ExtractionError as exc:
            raise CliError(f"{target}: {exc}") from exc
    data = article.to_dict()
    output = {
        key: data[key] for key in ("url", "outlet", "title", "author", "published", "language", "text", "rumours")
    }
    # Rows under the threshold are kept in a crawl's database but hidden by its default views; the same here.
    floor = min_confidence_setting() if args.min_confidence is None else args.min_confidence
    output["rumours"] = [r for r in output["rumours"] if is_shown(r.get("confidence"), floor)]
    json.dump(output, sys.stdout, ensure_ascii=False, indent=None if args.compact else 2)
    print()
    return 0


def cmd_reextract(args) -> int:
    from rumourcrawl.reextract import reextract

    db = existing_database(resolve_db(args.db))
    try:
        figures = reextract(db)
    except RuntimeError as exc:  # written by a newer rumourcrawl
        raise CliError(str(exc)) from exc
    print(
        f"Re-extracted {figures['reextracted']} of {figures['pages']} stored pages"
        f" ({figures['failed']} failed and kept as they were); {figures['rumours']} rumours,"
        f" {figures['stories']} stories."
    )
    if figures["kept_in_place"]:
        print(
            f"{figures['kept_in_place']} page(s) now name a canonical URL that holds another article;"
            " they stay under their own URL."
        )
    if figures["without_html"]:
        print(
            f"{figures['without_html']} article(s) have no stored HTML (crawled without"
            " RUMOURCRAWL_STORE_HTML=True) and were left as they were."
        )
    return 0


def cmd_eval(args) -> int:
    from rumourcrawl.evaluate import CV_REPEATS, run_eval, run_honest_report
    from rumourcrawl.extract.rumours.train import labelled_dirs

    if args.directory:
        return run_eval(Path(args.directory), verbose=args.verbose)
    # The labelled texts are not shipped in the package (their texts belong to their publishers).
    dirs = labelled_dirs()
    if not dirs:
        raise CliError(
            "name a folder of gold files: rumourcrawl eval DIR (NAME.json beside NAME.txt or NAME.html);"
            " the labelled texts are not part of the package, they are tests/eval/ in a checkout"
        )
    repeats = CV_REPEATS if args.repeats is None else args.repeats
    if repeats < 1:
        raise CliError(f"--repeats must be at least 1, not {repeats}")
    return run_honest_report(dirs, folds=args.folds, repeats=repeats)


def cmd_train(args) -> int:
    from rumourcrawl.extract.rumours.train import main as train_main

    return train_main([str(d) for d in args.dirs] + (["--output", str(args.output)] if args.output else []))


# ---- entry point ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rumourcrawl", description=__doc__)
    parser.add_argument("--version", action="version", version=f"rumourcrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="crawl the bundled offline demo site into a SQLite file")
    demo.add_argument("--db", help=_db_help("SQLite file to write"))
    demo.add_argument("--site", help=argparse.SUPPRESS)  # another folder to serve (tests)
    demo.add_argument(
        "--log-level",
        default="ERROR",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="Scrapy log level (default ERROR)",
    )
    demo.set_defaults(func=cmd_demo)

    crawl = commands.add_parser("crawl", help="crawl configured sites and/or any feed or sitemap")
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="configured site names (see `scrapy list`)")
    crawl.add_argument("--all", action="store_true", help="crawl every configured site")
    crawl.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS/Atom feed or sitemap")
    crawl.add_argument("--sitemap", action="append", default=[], metavar="URL", help="a sitemap or sitemap index")
    crawl.add_argument("--section", action="append", default=[], metavar="URL", help="a section page to follow")
    crawl.add_argument("--url", action="append", default=[], metavar="URL", help="an article page")
    crawl.add_argument("--db", help=_db_help("SQLite file (Scrapy setting RUMOURCRAWL_DB)"))
    crawl.add_argument("--refetch", action="store_true", help="fetch articles that are already stored again")
    crawl.add_argument(
        "--wait", action="store_true", help="if another crawl is writing the same database, wait for it to end"
    )
    crawl.add_argument(
        "--log-file",
        metavar="PATH",
        help="append the log here ('-' for stderr; default: crawl.log beside the database, when not on a terminal)",
    )
    crawl.add_argument(
        "--log-level",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="INFO is the default in log files, WARNING on a terminal",
    )
    crawl.add_argument("--no-progress", action="store_true", help="no live progress line on the terminal")
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="crawl as one of several processes sharing a queue in Redis (redis://host:6379/0);"
        " `rumourcrawl drain` stores the pages (Scrapy setting REDIS_URL)",
    )
    crawl.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting, as with `scrapy crawl -s`",
    )
    crawl.set_defaults(func=cmd_crawl)

    latest = commands.add_parser("latest", help="print the newest stories as a table (or JSON)")
    latest.add_argument("--club", metavar="NAME", help='stories to or from this club (any common name: "Man Utd")')
    latest.add_argument("--since", metavar="DATE", help="stories reported on or after this date (YYYY-MM-DD)")
    latest.add_argument("--limit", type=int, default=20, metavar="N", help="at most N stories (default 20)")
    latest.add_argument("--json", action="store_true", help="a JSON array, for scripts")
    latest.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="hide stories less confident than P (default: RUMOURCRAWL_MIN_CONFIDENCE, else 0.35; 0 shows all)",
    )
    latest.add_argument("--db", help=_db_help())
    latest.set_defaults(func=cmd_latest)

    serve = commands.add_parser("serve", help="browse the database in Datasette (read-only)")
    serve.add_argument("--db", help=_db_help())
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001; 0: any free port)")
    serve.add_argument("--open", action="store_true", help="open it in the web browser")
    serve.set_defaults(func=cmd_serve)

    drain = commands.add_parser("drain", help="store what distributed crawlers push to Redis (the one writer)")
    drain.add_argument("--redis", required=True, metavar="URL", help="the crawlers' Redis (redis://host:6379/0)")
    drain.add_argument("--db", help=_db_help())
    drain.add_argument(
        "--until-idle",
        type=float,
        metavar="SECONDS",
        help="exit once no crawler is running and nothing arrived for this long (default: run until stopped)",
    )
    drain.add_argument("--batch", type=int, default=100, help="entries per SQLite transaction (default 100)")
    drain.add_argument("--log-level", default="INFO", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    drain.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting")
    drain.set_defaults(func=cmd_drain)

    extract = commands.add_parser("extract", help="print one page's article and rumours as JSON")
    extract.add_argument("target", metavar="PATH_OR_URL")
    extract.add_argument("--text", action="store_true", help="the file is plain text, first line the headline")
    extract.add_argument("--url", help="the page's URL, when reading a saved file (for site rules)")
    extract.add_argument("--outlet", help="the outlet's name, for --text")
    extract.add_argument("--compact", action="store_true", help="one line of JSON")
    extract.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="leave out rumours less confident than P (default: RUMOURCRAWL_MIN_CONFIDENCE, else 0.35; 0 shows all)",
    )
    extract.set_defaults(func=cmd_extract)

    reextract = commands.add_parser(
        "reextract", help="rebuild articles, rumours and stories from stored HTML, without recrawling"
    )
    reextract.add_argument("--db", help=_db_help())
    reextract.set_defaults(func=cmd_reextract)

    evaluate = commands.add_parser("eval", help="score the rumour extractor on a folder of gold files")
    evaluate.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        help="score the shipped model on this folder; without it (in a checkout), the full report on the"
        " repository's labelled texts: cross-validated, locked-split and tuned-on figures per register",
    )
    evaluate.add_argument("-v", "--verbose", action="store_true", help="per-file figures and mistakes (with DIR)")
    evaluate.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5; 1 = none)")
    evaluate.add_argument(
        "--repeats",
        type=int,
        help="assignments of texts to folds, pooled (default 3; one alone moves F1 by about 0.01)",
    )
    evaluate.set_defaults(func=cmd_eval)
    train = commands.add_parser(
        "train", help="refit the rumour model on the labelled texts (needs scikit-learn: pip install '.[train]')"
    )
    train.add_argument("dirs", nargs="*", type=Path, help="labelled folders (default: tests/eval/dev and train)")
    train.add_argument("--output", type=Path, help="where to write the model (default: the shipped model file)")
    train.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"rumourcrawl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
