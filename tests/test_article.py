import json
from pathlib import Path

import pytest

from conftest import FIXTURES, SEED_HTML
from rumourcrawl.extract import CleaningRules, ExtractionError, article_from_text, extract_article
from rumourcrawl.extract.article import clean_author, content_hash, normalise_date

GOLDEN = FIXTURES / "golden"


def test_seed_page_matches_golden():
    golden = json.loads((GOLDEN / "football365-klopp-real-madrid.json").read_text(encoding="utf-8"))
    article = extract_article(SEED_HTML.read_bytes(), "http://127.0.0.1:8000/news/klopp.html")
    assert article.url == golden["url"]
    assert article.fetched_url == "http://127.0.0.1:8000/news/klopp.html"
    assert article.title == golden["title"]
    assert article.author == "F365 Staff"  # trafilatura alone says "F"
    assert article.published.startswith("2026-02-04")
    assert article.published == golden["published"]
    assert article.language == "en"
    assert article.outlet == "Football365"
    # Every body paragraph kept, in order, and nothing else: no promo, no caption, no nav.
    assert article.text.split("\n") == golden["paragraphs"]
    for promo in golden["removed_promos"]:
        assert promo not in article.text
    assert "READ:" not in article.text and "MAILBOX:" not in article.text


GOLDEN_PAGES = sorted(p for p in GOLDEN.glob("*.json") if p.stem != "football365-klopp-real-madrid")


@pytest.mark.parametrize("golden_path", GOLDEN_PAGES, ids=lambda p: p.stem)
def test_saved_real_pages_match_golden(golden_path: Path):
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    page = FIXTURES / "pages" / golden["file"]
    article = extract_article(page.read_bytes(), golden["fetched_url"], with_rumours=False)
    for key in ("url", "outlet", "title", "author", "published", "language"):
        assert getattr(article, key) == golden[key], key
    paragraphs = article.text.split("\n")
    assert paragraphs[0] == golden["first_paragraph"]
    assert paragraphs[-1] == golden["last_paragraph"]
    assert len(paragraphs) >= golden["min_paragraphs"]
    for line in golden["absent_lines"]:
        assert line not in paragraphs


def test_outlet_without_config_loses_its_read_more_box():
    page = FIXTURES / "pages" / "fundus_uk_EveningStandard_2024_05_02.html"
    import trafilatura

    raw = trafilatura.extract(page.read_text(encoding="utf-8"))
    assert "Read More" in raw.split("\n")  # trafilatura keeps it…
    article = extract_article(page.read_bytes(), None, with_rumours=False)
    assert "Read More" not in article.text.split("\n")  # …the generic rule removes it
    assert "It was a proud day for the academy at Cobham." in article.text.split("\n")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b"\x00\x01\x02\x03binary junk", "not_html"),
        (b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "not_article"),
        (
            b"<html><head><meta property='og:type' content='article'></head>"
            b"<body><article><p>Too short.</p></article></body></html>",
            "no_text",
        ),
    ],
)
def test_bad_pages_raise_extraction_error_with_reason(body, reason):
    with pytest.raises(ExtractionError) as caught:
        extract_article(body, "https://example.org/news/x")
    assert caught.value.reason == reason


def test_section_front_and_table_pages_are_not_articles():
    demo = Path(__file__).resolve().parents[1] / "rumourcrawl" / "data" / "demo_site"
    for page in ("news/index.html", "tables/premier-league.html"):
        with pytest.raises(ExtractionError) as caught:
            extract_article((demo / page).read_bytes(), f"http://127.0.0.1/{page}")
        assert caught.value.reason == "not_article"


def _page(body: str, head: str = "") -> str:
    return (
        f"<html lang='en'><head>{head}</head><body><article><h1>Arsenal close in on striker</h1>"
        f"{body}<p>{'Arsenal are in talks with Brentford over the striker. ' * 8}</p></article></body></html>"
    )


def test_visible_date_and_byline_without_metadata():
    byline = '<p class="byline">By Sarah Okafor, Chief Football Writer</p>'
    dateline = '<p class="date">Published 3 March 2026, 14:05</p>'
    article = extract_article(_page(byline + dateline), "https://terracegazette.example/football/arsenal-close-in")
    assert article.author == "Sarah Okafor"
    assert article.published == "2026-03-03T14:05:00"


def test_relative_canonical_is_resolved_and_home_page_canonical_ignored():
    relative = extract_article(
        _page("", "<link rel='canonical' href='/football/arsenal'>"), "https://a.example/x?utm=1"
    )
    assert relative.url == "https://a.example/football/arsenal"
    home = extract_article(
        _page("", "<link rel='canonical' href='https://a.example/'>"), "https://a.example/football/b"
    )
    assert home.url == "https://a.example/football/b"


def test_charset_from_meta():
    text = "Münchner Verein bestätigt Wechsel von Spieler nach Dortmund. " * 8
    html = f"<html><head><meta charset='iso-8859-1'></head><body><article><p>{text}</p></article></body></html>"
    article = extract_article(html.encode("iso-8859-1"), "https://b.example/news/wechsel-perfekt-heute")
    assert "Münchner" in article.text
    assert article.language == "de"


def test_charset_from_http_header_beats_a_wrong_meta():
    text = "Münchner Verein bestätigt Wechsel von Spieler nach Dortmund. " * 8
    html = f"<html><head><meta charset='utf-8'></head><body><article><p>{text}</p></article></body></html>"
    article = extract_article(
        html.encode("cp1252"), "https://b.example/news/wechsel-perfekt-heute", content_type="text/html; charset=cp1252"
    )
    assert "Münchner" in article.text


def test_site_rules_set_outlet_and_labels():
    rules = CleaningRules(outlet="Terrace Gazette", promo_labels=("GAZETTE VIEW",))
    html = _page("<p>Gazette view: <a href='/v'>why this matters</a></p>")
    article = extract_article(html, "https://t.example/football/a-b-c", rules=rules)
    assert article.outlet == "Terrace Gazette"
    assert "why this matters" not in article.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-02-04T09:42:00+00:00", "2026-02-04T09:42:00+00:00"),
        ("2026-02-04T09:42:00Z", "2026-02-04T09:42:00+00:00"),
        ("2026-02-04", "2026-02-04"),
        ("Wed, 04 Feb 2026 09:42:00 +0000", "2026-02-04T09:42:00+00:00"),
        ("4 February 2026", "2026-02-04"),
        ("not a date", None),
        ("2026-02-30T25:61:00", None),
        ("", None),
    ],
)
def test_normalise_date(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F365 Staff", "F365 Staff"),
        ("By Sarah Okafor", "Sarah Okafor"),
        ("by Sarah Okafor, Chief Football Writer", "Sarah Okafor"),
        ("Photo: Getty Images", None),
        ("  ", None),
    ],
)
def test_clean_author(raw, expected):
    assert clean_author(raw) == expected


def test_content_hash_ignores_case_punctuation_and_spacing():
    assert content_hash("Haaland  to Real Madrid!") == content_hash("haaland to real madrid")
    assert content_hash("Haaland to Real Madrid") != content_hash("Haaland to Barcelona")


def test_plain_text_article():
    seed_text = (FIXTURES / "seed" / "football365-klopp-real-madrid.txt").read_text(encoding="utf-8")
    article = article_from_text("Klopp closer to Real Madrid\n" + seed_text, outlet="Football365")
    assert article.title == "Klopp closer to Real Madrid"
    assert "READ:" not in article.text and "MAILBOX:" not in article.text
    assert "Haaland ‘considers his time at Manchester City over’" in article.text
    assert article.language == "en"


def test_extraction_imports_nothing_from_scrapy():
    import subprocess
    import sys

    code = "import sys, rumourcrawl.extract; print(any(m.split('.')[0] == 'scrapy' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_extracting_the_same_page_again_gives_the_same_text():
    # A refetch, `reextract` or a syndicated copy extracts the same paragraphs again in one process.
    texts = {
        extract_article(SEED_HTML.read_bytes(), f"https://a.example/{n}", with_rumours=False).text for n in range(4)
    }
    assert len(texts) == 1
    assert "Haaland" in texts.pop()


def test_section_front_canonical_is_not_trusted():
    # Two different articles whose canonical both name the section front must stay two articles.
    head = "<link rel='canonical' href='https://gazette.example/football/'>"
    first = extract_article(_page("", head), "http://127.0.0.1:9/a1-arsenal-close-in-on-striker.html")
    second = extract_article(_page("", head), "http://127.0.0.1:9/a2-chelsea-agree-fee-for-winger.html")
    assert first.url == "http://127.0.0.1:9/a1-arsenal-close-in-on-striker.html"
    assert second.url != first.url
    # An article's own canonical on another host is kept (syndication, the demo's loopback copies).
    own = extract_article(
        _page("", "<link rel='canonical' href='https://gazette.example/football/arsenal-close-in-on-striker'>"),
        "http://127.0.0.1:9/a1-arsenal-close-in-on-striker.html",
    )
    assert own.url == "https://gazette.example/football/arsenal-close-in-on-striker"


@pytest.mark.parametrize("href", ["http://[oops/x", "https://site.example:99999/news/a-b-c", "javascript:void(0)"])
def test_malformed_canonical_falls_back_to_the_fetched_url(href):
    article = extract_article(_page("", f"<link rel='canonical' href='{href}'>"), "https://a.example/news/a-b-c-d")
    assert article.url == "https://a.example/news/a-b-c-d"


def test_deeply_nested_json_ld_is_ignored_not_fatal():
    deep = '{"author": ' * 3000 + '"x"' + "}" * 3000
    article = extract_article(
        _page("", f"<script type='application/ld+json'>{deep}</script>"), "https://a.example/n/a-b-c"
    )
    assert "Arsenal" in article.text
