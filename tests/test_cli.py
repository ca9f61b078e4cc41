import json

from conftest import FIXTURES, SEED_HTML, run_cli


def test_extract_seed_page_prints_one_json_object():
    result = run_cli("extract", str(SEED_HTML))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["url", "outlet", "title", "author", "published", "language", "text", "rumours"]
    assert data["author"] == "F365 Staff"
    assert data["published"].startswith("2026-02-04")
    assert data["outlet"] == "Football365"
    assert "READ:" not in data["text"] and "MAILBOX:" not in data["text"]
    assert isinstance(data["rumours"], list)


def test_extract_page_of_an_outlet_with_no_config_drops_its_promos():
    # The Terrace Gazette has no site configuration: only the generic rules apply.
    page = FIXTURES.parent.parent / "rumourcrawl" / "data" / "demo_site" / "news" / "napoli-bid-kobbie-mainoo.html"
    assert "WATCH:" in page.read_text(encoding="utf-8") or "ALSO READ:" in page.read_text(encoding="utf-8")
    result = run_cli("extract", str(page), "--url", "https://terracegazette.example/football/napoli-bid-kobbie-mainoo")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outlet"] == "The Terrace Gazette"
    for label in ("WATCH:", "ALSO READ:", "RELATED:", "MORE:"):
        assert label not in data["text"]
    assert "Napoli" in data["text"]


def test_extract_text_mode():
    result = run_cli("extract", "--text", str(FIXTURES / "seed" / "football365-klopp-real-madrid.txt"), "--compact")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    data = json.loads(result.stdout)
    assert "READ:" not in data["text"]
    assert "Fabrizio Romano told his YouTube channel" in data["text"]


def test_extract_url_from_loopback(demo_server):
    result = run_cli("extract", demo_server.url("news/klopp-real-madrid-haaland-perez-exits.html"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["url"] == "https://www.football365.com/news/klopp-real-madrid-haaland-perez-exits"


def test_extract_bad_inputs_give_clear_errors(demo_server, tmp_path):
    missing = run_cli("extract", str(tmp_path / "nope.html"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr

    empty = tmp_path / "empty.html"
    empty.write_text("")
    result = run_cli("extract", str(empty))
    assert result.returncode == 2
    assert "empty page" in result.stderr

    gone = run_cli("extract", demo_server.url("news/gone"))
    assert gone.returncode == 2
    assert "could not fetch" in gone.stderr and "Gone" in gone.stderr

    refused = run_cli("extract", "http://127.0.0.1:9/nothing-listens-here")
    assert refused.returncode == 2
    assert "could not fetch" in refused.stderr
