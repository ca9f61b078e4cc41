"""trafilatura's settings measured on the fixture pages and the shared real pages.

Usage: python -m benchmarks.trafilatura_settings [--repeat N]

Each candidate setting replaces rumourcrawl.extract.article.TRAFILATURA_OPTIONS and the whole
cleaning path (`extract_article`, promo passes included, rumours left out) runs over every page,
the candidates side by side page by page so that machine noise hits them alike. For each:

- ms/page: median and mean CPU time of extract_article per page (best of --repeat runs);
- kept: of the expected text, the share found. The golden files (tests/fixtures/golden/, reviewed
  by eye) give each page's first and last paragraph and a minimum paragraph count (the seed page's
  gives every paragraph); a page scores the share of those paragraphs present in its text, times
  0 if it has fewer paragraphs than the minimum, and a page that gives no article scores 0;
- exact: pages whose text starts and ends at the golden paragraphs (the golden tests' check);
- extra: paragraphs before the first or after the last expected one (menus, comments, related
  links that got through), summed over the pages;
- promos: lines left that the golden files list as promos, plus call-out lines and "LABEL: …"
  promo lines (what tests/test_outlets.py forbids), summed over the pages;
- meta: pages whose title, author, date and language are the golden file's (trafilatura's metadata
  fills what the page's own markup does not give);
- articles: pages that gave an article (the negatives and the table page included in the count).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rumourcrawl.extract import ExtractionError, extract_article
from rumourcrawl.extract import article as article_module
from rumourcrawl.extract.promo import PROMO_LABELS, is_callout_line
from rumourcrawl.sites import site_for_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path("/work/shared/pages")
SEED = FIXTURES / "seed" / "football365-klopp-real-madrid.html"

BASE = {"with_metadata": True, "include_comments": False, "include_tables": False, "deduplicate": False}
CANDIDATES = {
    "default (fallbacks on)": {"fast": False},
    "fast (no fallback)": {"fast": True},
    "fast, without metadata": {"fast": True, "with_metadata": False},
    "favor_precision": {"favor_precision": True, "fast": False},
    "favor_precision + fast": {"favor_precision": True, "fast": True},
    "favor_recall": {"favor_recall": True, "fast": False},
    "favor_recall + fast": {"favor_recall": True, "fast": True},
    "include_tables": {"include_tables": True, "fast": False},
    "include_comments": {"include_comments": True, "fast": False},
    # Only for the record: trafilatura's deduplicate remembers text across calls (a refetched or
    # re-extracted page would lose it), so it is ruled out whatever it measures here.
    "deduplicate": {"deduplicate": True, "fast": False},
}


def pages() -> list[tuple[Path, dict | None, str]]:
    """(page, its golden file or None, its URL): fixture pages, the seed, shared pages not among them."""
    goldens = {}
    for path in sorted((FIXTURES / "golden").glob("*.json")):
        golden = json.loads(path.read_text(encoding="utf-8"))
        goldens[golden.get("file", SEED.name)] = golden
    urls = {}
    for folder in (FIXTURES / "pages", SHARED):
        table = folder / "urls.tsv"
        if table.exists():
            for line in table.read_text(encoding="utf-8").splitlines()[1:]:
                cells = line.split("\t")
                urls.setdefault(cells[0], cells[-1])
    found: dict[str, tuple[Path, dict | None, str]] = {}
    for folder in (FIXTURES / "pages", FIXTURES / "pages" / "negatives", SHARED, SHARED / "negatives"):
        for page in sorted(folder.glob("*.html")):
            golden = goldens.get(page.name)
            url = (golden or {}).get("fetched_url") or urls.get(page.name) or f"https://example.com/news/{page.stem}"
            found.setdefault(page.name, (page, golden, url))
    seed = goldens[SEED.name]
    found[SEED.name] = (SEED, seed, seed["url"])
    return list(found.values())


def expected(golden: dict) -> tuple[list[str], int]:
    if "paragraphs" in golden:
        return golden["paragraphs"], len(golden["paragraphs"])
    return [golden["first_paragraph"], golden["last_paragraph"]], int(golden.get("min_paragraphs") or 1)


def score(text: str | None, golden: dict | None) -> dict:
    lines = text.split("\n") if text else []
    promos = sum(
        1 for line in lines if is_callout_line(line) or any(line.upper().startswith(lb + ":") for lb in PROMO_LABELS)
    )
    if golden is None:
        return {"promos": promos}
    promos += sum(1 for line in golden.get("absent_lines", []) + golden.get("removed_promos", []) if line in lines)
    wanted, minimum = expected(golden)
    if not lines:
        return {"kept": 0.0, "exact": 0, "extra": 0, "promos": promos}
    kept = sum(1 for p in wanted if p in lines) / len(wanted) * (1.0 if len(lines) >= minimum else 0.0)
    first = lines.index(wanted[0]) if wanted[0] in lines else 0
    last = lines.index(wanted[-1]) if wanted[-1] in lines else len(lines) - 1
    return {
        "kept": kept,
        "exact": int(lines[0] == wanted[0] and lines[-1] == wanted[-1] and len(lines) >= minimum),
        "extra": first + (len(lines) - 1 - last),
        "promos": promos,
    }


def run(repeat: int) -> list[dict]:
    corpus = pages()
    chosen = article_module.TRAFILATURA_OPTIONS
    rows = {
        name: {"times": [], "kept": [], "exact": 0, "extra": 0, "promos": 0, "meta": 0, "articles": 0}
        for name in CANDIDATES
    }
    for page, golden, url in corpus:
        body = page.read_bytes()
        site = site_for_url(url)
        rules = {"rules": site.cleaning} if site else {}
        for name, options in CANDIDATES.items():
            article_module.TRAFILATURA_OPTIONS = {**BASE, **options}
            best, text, article = float("inf"), None, None
            for _ in range(repeat + 1):  # the first run loads what a page's language needs: not timed
                clock = time.process_time()
                try:
                    article = extract_article(body, url, with_rumours=False, **rules)
                    text = article.text
                except ExtractionError:
                    text = article = None
                spent = time.process_time() - clock
                best = min(best, spent) if _ else best
            row = rows[name]
            row["times"].append(best)
            row["articles"] += text is not None
            scored = score(text, golden)
            row["promos"] += scored["promos"]
            if golden is not None:
                row["kept"].append(scored["kept"])
                row["exact"] += scored["exact"]
                row["extra"] += scored["extra"]
                row["meta"] += article is not None and all(
                    getattr(article, key) == golden.get(key) for key in ("title", "author", "published", "language")
                )
    article_module.TRAFILATURA_OPTIONS = chosen
    table = []
    for name, row in rows.items():
        table.append(
            {
                "setting": name,
                "median_ms": 1000 * statistics.median(row["times"]),
                "mean_ms": 1000 * statistics.mean(row["times"]),
                "kept": statistics.mean(row["kept"]),
                "exact": row["exact"],
                "goldens": len(row["kept"]),
                "extra": row["extra"],
                "promos": row["promos"],
                "meta": row["meta"],
                "articles": row["articles"],
                "pages": len(corpus),
            }
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per page and setting (best is kept)")
    args = parser.parse_args()
    table = run(args.repeat)
    base = table[0]
    print(f"{table[0]['pages']} pages, {table[0]['goldens']} with a golden file; CPU time of extract_article per page")
    print("| setting | median ms/page | mean ms/page | × default | kept | exact | extra ¶ | promos | meta | articles |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in table:
        print(
            f"| {row['setting']} | {row['median_ms']:.0f} | {row['mean_ms']:.0f} | "
            f"{row['mean_ms'] / base['mean_ms']:.2f} | {row['kept']:.3f} | {row['exact']}/{row['goldens']} | "
            f"{row['extra']} | {row['promos']} | {row['meta']}/{row['goldens']} | {row['articles']}/{row['pages']} |"
        )


if __name__ == "__main__":
    main()
