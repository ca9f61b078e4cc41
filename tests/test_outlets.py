"""Every configured outlet, offline: its real saved pages match their golden files, and one crawl
runs every outlet's spider over its fixture feed on loopback into SQLite.

Adding an outlet is one config (rumourcrawl/sites/NAME.toml), one saved page (tests/fixtures/pages/,
a row in urls.tsv) and its golden file (tests/fixtures/make_golden.py): these tests find them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
import sqlite_utils

from conftest import FIXTURES, REPO, SEED_HTML, run_cli
from rumourcrawl.extract import extract_article
from rumourcrawl.extract.promo import PROMO_LABELS, is_callout_line
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.sites import all_sites, site_for_url
from rumourcrawl.snapshot_server import SnapshotServer

SITES = sorted(all_sites())


def _goldens() -> dict[str, list[tuple[dict, Path]]]:
    """Golden files by configured outlet, with the saved page each describes."""
    found: dict[str, list[tuple[dict, Path]]] = {}
    for path in sorted((FIXTURES / "golden").glob("*.json")):
        golden = json.loads(path.read_text(encoding="utf-8"))
        site = golden.get("site") or getattr(site_for_url(golden["url"]), "name", None)
        if site:
            page = FIXTURES / "pages" / golden["file"] if "file" in golden else SEED_HTML
            found.setdefault(site, []).append((golden, page))
    return found


GOLDENS = _goldens()


def _paragraphs(golden: dict) -> tuple[str, str]:
    if "paragraphs" in golden:  # the seed page's golden file lists every paragraph
        return golden["paragraphs"][0], golden["paragraphs"][-1]
    return golden["first_paragraph"], golden["last_paragraph"]


@pytest.mark.parametrize("name", SITES)
def test_every_outlet_has_a_real_page_that_matches_its_golden_file(name):
    assert GOLDENS.get(name), f"{name}: save one of its pages under tests/fixtures/pages/ and make its golden file"
    site = all_sites()[name]
    for golden, page in GOLDENS[name]:
        url = golden.get("fetched_url", golden["url"])
        article = extract_article(page.read_bytes(), url, rules=site.cleaning, with_rumours=False)
        assert article.outlet == site.outlet
        for key in ("title", "author", "published", "language"):
            assert getattr(article, key) == golden[key], (page.name, key)
        paragraphs = article.text.split("\n")
        assert (paragraphs[0], paragraphs[-1]) == _paragraphs(golden), page.name
        # No promo survives: no call-out line, no "LABEL: …" line of a known promo label.
        for line in paragraphs:
            assert not is_callout_line(line), (page.name, line)
            assert not any(line.upper().startswith(label + ":") for label in PROMO_LABELS), (page.name, line)
        for line in golden.get("absent_lines", []) + golden.get("removed_promos", []):
            assert line not in paragraphs


def _feed(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{{{{BASE}}}}/pages/{escape(file)}</link>"
        f"<guid isPermaLink='false'>{escape(guid)}</guid>"
        f"<pubDate>{format_datetime(datetime(2026, 1, 1, tzinfo=UTC))}</pubDate></item>"
        for title, file, guid in items
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>fixture</title>'
    return f"{head}{entries}</channel></rss>"


# Runs every outlet's spider in one Scrapy process, as `rumourcrawl crawl --all` does.
_CRAWL_ALL = """
import json, sys
from rumourcrawl.cli import project_settings, run_crawls
jobs, db = json.loads(sys.argv[1]), sys.argv[2]
settings = project_settings({"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0", "RETRY_TIMES": "0",
                             "RUMOURCRAWL_RESUME": "False", "LOG_LEVEL": "WARNING"}, db=db)
run_crawls(settings, [(name, {"feeds": feed}) for name, feed in jobs])
"""


def test_one_crawl_of_every_outlet_feed_stores_its_pages(tmp_path):
    mirror = tmp_path / "site"
    (mirror / "pages").mkdir(parents=True)
    for name in SITES:
        items = []
        for golden, page in GOLDENS[name]:
            shutil.copy(page, mirror / "pages" / page.name)
            items.append((golden["title"], page.name, golden["url"]))
        (mirror / f"{name}.rss").write_text(_feed(items), encoding="utf-8")
    db = tmp_path / "rumours.db"
    with SnapshotServer(mirror) as server:
        jobs = [(name, server.url(f"{name}.rss")) for name in SITES]
        result = subprocess.run(
            [sys.executable, "-c", _CRAWL_ALL, json.dumps(jobs), str(db)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    database = sqlite_utils.Database(db)
    rows = {row["url"]: row for row in database["articles"].rows}
    runs = {row["spider"]: row for row in database["crawl_runs"].rows}
    for name in SITES:
        site = all_sites()[name]
        assert runs[name]["articles_new"] == len(GOLDENS[name]), (name, runs[name])
        for golden, _page in GOLDENS[name]:
            row = rows[canonical_url(golden["url"])]
            assert (row["site"], row["outlet"], row["title"]) == (name, site.outlet, golden["title"])
            first, last = _paragraphs(golden)
            assert row["text"].startswith(first) and row["text"].endswith(last), name
    # BBC's gossip column: one rumour row per item, each with its own source, not the BBC's tier 1.
    gossip = canonical_url("https://www.bbc.co.uk/sport/football/articles/cx2g0551p7go")
    sources = {
        r["subject"]: r["source"] for r in database.query("SELECT * FROM rumours WHERE article_url = ?", [gossip])
    }
    assert sources["Erling Haaland"] == "Marca" and sources["Igor Thiago"] == "The Sun"


def test_extract_on_a_real_page_of_an_outlet_with_no_config_keeps_the_body_and_drops_promos(tmp_path):
    page = FIXTURES / "pages" / "trafilatura_hertha-blog.de.dame.html"
    golden = json.loads((FIXTURES / "golden" / "trafilatura_hertha-blog.de.dame.json").read_text(encoding="utf-8"))
    assert site_for_url(golden["fetched_url"]) is None
    result = run_cli("extract", str(page))
    assert result.returncode == 0, result.stderr
    text = json.loads(result.stdout)["text"]
    paragraphs = text.split("\n")
    assert paragraphs[0] == golden["first_paragraph"] and paragraphs[-1] == golden["last_paragraph"]
    assert len(paragraphs) >= golden["min_paragraphs"]
    assert "(@HerthaBSC)" not in text and "pic.twitter.com" not in text  # embedded tweets
