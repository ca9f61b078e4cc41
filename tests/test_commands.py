"""`rumourcrawl latest` and `rumourcrawl serve` on a demo database, `eval` without a folder, and the
schema version check: a database written by a newer rumourcrawl is refused by every command, untouched."""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import sqlite_utils

from conftest import REPO, run_cli
from rumourcrawl import store
from rumourcrawl.extract.rumours.model import DEFAULT_MIN_CONFIDENCE

HAALAND = "erling-haaland-to-real-madrid"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("latest") / "transfers.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def table_rows(stdout: str) -> tuple[list[str], list[str]]:
    lines = stdout.rstrip("\n").splitlines()
    assert set(lines[1].replace(" ", "")) == {"-"}, lines[:2]
    return lines[0].split(), lines[2:]


def test_latest_prints_the_newest_confident_stories_as_a_table(demo_db):
    result = run_cli("latest", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    headers, rows = table_rows(result.stdout)
    assert headers == ["last", "seen", "story", "from", "stage", "outlets", "confidence", "fee"]
    database = sqlite_utils.Database(demo_db)
    confident = database.execute(
        "SELECT count(*) FROM stories WHERE confidence >= ?", [DEFAULT_MIN_CONFIDENCE]
    ).fetchone()[0]
    assert 0 < confident <= database["stories"].count
    assert len(rows) == min(confident, 20)
    newest = next(
        database.query("SELECT max(last_seen) AS d FROM stories WHERE confidence >= ?", [DEFAULT_MIN_CONFIDENCE])
    )["d"][:10]
    assert rows[0].startswith(newest)
    dates = [row[:10] for row in rows]
    assert dates == sorted(dates, reverse=True)

    every = run_cli("latest", "--db", str(demo_db), "--limit", "1000", "--min-confidence", "0")
    assert len(table_rows(every.stdout)[1]) == database["stories"].count
    # A higher floor hides the doubted stories (whether the default hides any depends on the demo's rows).
    sure = database.execute("SELECT count(*) FROM stories WHERE confidence >= 0.6").fetchone()[0]
    assert 0 < sure < database["stories"].count
    strict = run_cli("latest", "--db", str(demo_db), "--limit", "1000", "--min-confidence", "0.6")
    assert len(table_rows(strict.stdout)[1]) == sure
    haaland = next(row for row in table_rows(every.stdout)[1] if "Erling Haaland → Real Madrid" in row)
    story = database["stories"].get(HAALAND)
    assert re.search(
        rf"Manchester City\s+{story['latest_stage']}\s+{story['outlets']}\s+{story['confidence']:.2f}\b", haaland
    )


def test_latest_filters_by_club_under_any_name_and_by_date_and_prints_json(demo_db):
    result = run_cli("latest", "--db", str(demo_db), "--club", "Los Blancos", "--json", "--min-confidence", "0")
    assert result.returncode == 0, result.stderr
    stories = json.loads(result.stdout)
    assert HAALAND in {s["id"] for s in stories}
    assert all("Real Madrid" in (s["to_club"], s["from_club"]) for s in stories)
    assert {"id", "title", "latest_stage", "outlets", "confidence", "fee_range", "last_seen"} <= set(stories[0])
    assert all(0 < s["confidence"] <= 1 for s in stories)

    since = json.loads(
        run_cli("latest", "--db", str(demo_db), "--since", "2026-03-10", "--json", "--min-confidence", "0").stdout
    )
    assert since and all(s["last_seen"] >= "2026-03-10" for s in since)
    expected = {
        r["id"] for r in sqlite_utils.Database(demo_db).query("SELECT id FROM stories WHERE last_seen >= '2026-03-10'")
    }
    assert {s["id"] for s in since} == expected

    nothing = run_cli("latest", "--db", str(demo_db), "--club", "Accrington Stanley")
    assert nothing.returncode == 0 and nothing.stdout.startswith("No stories about Accrington Stanley")


def test_latest_hides_stories_below_the_threshold_which_a_setting_moves(demo_db, tmp_path):
    db = tmp_path / "scored.db"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET confidence = 0.3 WHERE id = ?", [HAALAND])
    shown = json.loads(run_cli("latest", "--db", str(db), "--club", "Real Madrid", "--json").stdout)
    assert HAALAND not in {s["id"] for s in shown}
    lowered = run_cli(
        "latest", "--db", str(db), "--club", "Real Madrid", "--json", env={"RUMOURCRAWL_MIN_CONFIDENCE": "0.2"}
    )
    assert next(s for s in json.loads(lowered.stdout) if s["id"] == HAALAND)["confidence"] == 0.3
    result = run_cli("latest", "--db", str(db), "--club", "Real Madrid", "--min-confidence", "0.25")
    headers, rows = table_rows(result.stdout)
    assert re.search(r"Erling Haaland → Real Madrid .*\s0\.30(\s|$)", next(r for r in rows if "Erling Haaland →" in r))


def test_latest_refuses_bad_input_clearly(tmp_path, demo_db):
    missing = run_cli("latest", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no such database" in missing.stderr
    assert not (tmp_path / "none.db").exists()  # reading never creates a database
    bad_date = run_cli("latest", "--db", str(demo_db), "--since", "last week")
    assert bad_date.returncode == 2 and "--since takes a date" in bad_date.stderr
    assert len(bad_date.stderr.splitlines()) == 1


def test_serve_prints_the_url_and_serves_the_database_read_only(demo_db, tmp_path):
    db = tmp_path / "served.db"
    shutil.copy(demo_db, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    server = subprocess.Popen(
        [sys.executable, "-m", "rumourcrawl", "serve", "--db", str(db), "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = server.stdout.readline()
        assert "read-only" in first, first + server.stderr.read() if server.poll() is not None else first
        url = re.search(r"http://\S+", first).group(0)
        assert url.endswith("/served")

        def get(path):
            with urllib.request.urlopen(url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")

        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = get("")
                break
            except urllib.error.URLError:
                assert server.poll() is None and time.monotonic() < deadline, "Datasette did not start"
                time.sleep(0.2)
        assert status == 200 and "Latest rumours" in page
        status, body = get("/latest_rumours.json?_shape=array")
        assert status == 200 and json.loads(body)
        with pytest.raises(urllib.error.HTTPError):
            get(".json?sql=delete+from+stories")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sqlite_utils.Database(db)["stories"].count == sqlite_utils.Database(demo_db)["stories"].count
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_eval_without_a_folder_reports_on_the_checkouts_labelled_texts():
    # --folds 1: no cross-validation (test_evaluate runs a small one); the locked and tuned-on figures.
    result = run_cli("eval", "--folds", "1", cwd=REPO / "tests")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("rows scored as shown by default: confidence at least")
    assert second.startswith("locked split")
    assert "tuned-on" in result.stdout and "candidate recall" in result.stdout
    for register in ("articles", "posts", "bbc"):
        assert f"  {register} " in result.stdout
    no_assignment = run_cli("eval", "--repeats", "0", cwd=REPO / "tests")
    assert no_assignment.returncode == 2 and "--repeats must be at least 1" in no_assignment.stderr


@pytest.fixture
def newer_db(tmp_path):
    """A rumourcrawl database whose schema version is one ahead of this code's."""
    path = tmp_path / "future.db"
    db = store.open_db(path)
    db["articles"].insert({"url": "https://example.com/a", "text": "kept", "title": "A"})
    db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    db.conn.commit()
    db.close()
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["demo"],
        ["crawl", "--url", "http://127.0.0.1:9/news/a", "-s", "RETRY_TIMES=0"],
        ["reextract"],
        ["latest"],
        ["serve", "--port", "0"],
    ],
    ids=lambda command: command[0],
)
def test_a_database_from_a_newer_rumourcrawl_is_refused_and_left_untouched(newer_db, command):
    before = hashlib.sha256(newer_db.read_bytes()).hexdigest()
    files_before = sorted(p.name for p in newer_db.parent.iterdir())
    result = run_cli(*command, "--db", str(newer_db), timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"rumourcrawl: error: {newer_db} was written by a newer rumourcrawl (schema version"
        f" {store.SCHEMA_VERSION + 1}; this rumourcrawl knows up to {store.SCHEMA_VERSION}): upgrade rumourcrawl"
        " to use it; the file was not changed"
    ]
    assert hashlib.sha256(newer_db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in newer_db.parent.iterdir()) == files_before  # no lock, log or jobs/
    with sqlite3.connect(newer_db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION + 1
