"""The one-command demo, then a real Datasette instance reading what it wrote."""

import asyncio
from pathlib import Path

import sqlite_utils
from datasette.app import Datasette

from conftest import run_cli


def test_demo_crawls_bundled_site_and_datasette_serves_it(tmp_path):
    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "14 articles stored" in result.stdout
    assert "pages skipped" in result.stdout and "errors" in result.stdout
    assert f"datasette {db} -m rumourcrawl/data/metadata.yml" in result.stdout

    database = sqlite_utils.Database(db)
    assert database["articles"].count == 14
    assert database["crawl_runs"].count == 1
    assert not list(database.query("SELECT url FROM articles WHERE text LIKE '%Secret Player%'"))

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


def test_demo_from_another_folder_points_at_the_bundled_metadata(tmp_path):
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "rumours.db").is_file()
    hint = result.stdout.strip().splitlines()[-1].split()
    assert hint[:2] == ["datasette", "data/rumours.db"]
    assert Path(hint[hint.index("-m") + 1]).is_file()
