"""The one-command demo, then a real Datasette instance reading what it wrote."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlite_utils
from datasette.app import Datasette

from conftest import REPO, run_cli


def test_demo_crawls_bundled_site_and_datasette_serves_it(tmp_path):
    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "14 articles stored" in result.stdout
    assert "pages skipped" in result.stdout and "errors" in result.stdout
    assert f"rumourcrawl serve --db {db}" in result.stdout
    assert f"rumourcrawl latest --db {db}" in result.stdout

    database = sqlite_utils.Database(db)
    assert database["articles"].count == 14
    assert database["crawl_runs"].count == 1
    assert not list(database.query("SELECT url FROM articles WHERE text LIKE '%Secret Player%'"))
    # The demo's pages name a president, a chairman and two directors of football: none of them moves.
    movers = {row["subject"].split()[-1] for row in database.query("SELECT subject FROM stories")}
    assert not movers & {"Perez", "Parish", "Deco", "Manna"}
    assert "Haaland" in movers

    async def read_back():
        datasette = Datasette(files=[str(db)])
        articles = await datasette.client.get("/demo/articles.json?_shape=array&_sort=url")
        seed = await datasette.client.get(
            "/demo/articles.json?_shape=array&url=https://football365.com/news/klopp-real-madrid-haaland-perez-exits"
        )
        page = await datasette.client.get("/demo/articles")
        return articles, seed, page

    articles, seed, page = asyncio.run(read_back())
    assert articles.status_code == 200
    assert len(articles.json()) == 14
    assert seed.json()[0]["author"] == "F365 Staff"
    assert page.status_code == 200 and "Klopp" in page.text

    # Running the demo again updates the same rows: no duplicates.
    again = run_cli("demo", "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert database["articles"].count == 14
    assert database["crawl_runs"].count == 2


def test_demo_from_another_folder_uses_the_default_database_not_the_working_directory(tmp_path):
    elsewhere = tmp_path / "football" / "transfers.db"
    cwd = tmp_path / "somewhere"
    cwd.mkdir()
    result = run_cli("demo", cwd=cwd, env={"RUMOURCRAWL_DB": str(elsewhere)})
    assert result.returncode == 0, result.stderr
    assert elsewhere.is_file()
    assert list(cwd.iterdir()) == []  # nothing written where it ran
    # The default needs no --db to be found again.
    assert result.stdout.strip().splitlines()[-1].split() == ["rumourcrawl", "serve"]
    latest = run_cli("latest", "--json", cwd=cwd, env={"RUMOURCRAWL_DB": str(elsewhere)})
    assert latest.returncode == 0, latest.stderr
    assert "erling-haaland-to-real-madrid" in {story["id"] for story in json.loads(latest.stdout)}


def test_the_default_database_is_the_checkouts_data_folder_wherever_it_runs(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "RUMOURCRAWL_DB"}
    where = subprocess.run(
        [sys.executable, "-c", "from rumourcrawl.paths import default_db; print(default_db())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == REPO / "data" / "rumours.db"
