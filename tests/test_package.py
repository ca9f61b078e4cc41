"""The second install path: a wheel. Marked `wheel` (about 30 s): it builds the wheel as `pip wheel .`
does, installs it (not editable) into a fresh venv in a temporary folder, and runs rumourcrawl from
another folder, far from this checkout.

To stay fast and offline the fresh venv gets the wheel with --no-deps, and a .pth file lets it import
the dependencies (Scrapy, Datasette, …) already installed in the test environment. rumourcrawl's
code and data come only from the wheel: the test checks where `rumourcrawl` is imported from.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SEED_HTML

pytestmark = pytest.mark.wheel


def run(*args, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """`pip wheel .` of a copy of the project's source (so the build leaves nothing in the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db-*")
    shutil.copytree(REPO / "rumourcrawl", source / "rumourcrawl", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source, cwd=work)
    assert built.returncode == 0, built.stderr
    (path,) = (work / "dist").glob("rumourcrawl-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed; returns its rumourcrawl script and a clean environment."""
    home = tmp_path_factory.mktemp("installed")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    done = run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=home
    )
    assert done.returncode == 0, done.stderr
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=home).stdout.strip())
    # The dependencies, from the test environment; added after the venv's own site-packages.
    (site / "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUMOURCRAWL_", "PYTHON", "VIRTUAL_ENV"))}
    env |= {"XDG_DATA_HOME": str(home / "xdg"), "PYTHONUNBUFFERED": "1"}
    elsewhere = home / "elsewhere"
    elsewhere.mkdir()
    return {"python": python, "script": env_dir / "bin" / "rumourcrawl", "env": env, "cwd": elsewhere, "home": home}


def test_the_wheel_ships_the_code_and_all_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "rumourcrawl" / "data").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped and shipped <= names, sorted(shipped - names)
    assert {f"rumourcrawl/sites/{p.name}" for p in (REPO / "rumourcrawl" / "sites").glob("*.toml")} <= names
    assert "rumourcrawl/datasette_plugin.py" in names
    assert not any(name.startswith(("tests/", "data/")) for name in names)


def test_installed_wheel_runs_the_demo_extract_and_reads_its_database_from_another_folder(installed, fixture_server):
    python, script, env, cwd = installed["python"], installed["script"], installed["env"], installed["cwd"]
    where = run(python, "-c", "import rumourcrawl; print(rumourcrawl.__file__)", cwd=cwd, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed["home"] / "venv"), where.stdout + where.stderr

    # The demo: the bundled site from package data, the database in the per-user data folder.
    demo = run(script, "demo", cwd=cwd, env=env)
    assert demo.returncode == 0, demo.stderr
    db = installed["home"] / "xdg" / "rumourcrawl" / "rumours.db"
    assert db.is_file() and f"Database {db} now holds 14 articles" in demo.stdout
    assert list(cwd.iterdir()) == []  # nothing written where it ran

    # extract: the gazetteers and site rules from package data.
    extracted = run(script, "extract", SEED_HTML, cwd=cwd, env=env)
    assert extracted.returncode == 0, extracted.stderr
    article = json.loads(extracted.stdout)
    assert article["outlet"] == "Football365" and article["rumours"]
    assert "Real Madrid" in {r["to_club"] for r in article["rumours"]}

    # crawl, reextract and latest on the same default database; the lock and log beside it.
    crawled = run(
        script, "crawl", "--url", fixture_server.url("syndicated/footballwire-haaland-personal-terms.html"),
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=0",
        cwd=cwd, env=env,
    )  # fmt: skip
    assert crawled.returncode == 0, crawled.stderr
    assert (db.parent / "rumours.db.lock").exists() and (db.parent / "crawl.log").is_file()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 15
    rebuilt = run(script, "reextract", cwd=cwd, env=env)
    assert rebuilt.returncode == 0 and "Re-extracted 14 of 14 stored pages" in rebuilt.stdout, rebuilt.stderr
    latest = run(script, "latest", "--json", "--club", "Real Madrid", cwd=cwd, env=env)
    assert latest.returncode == 0, latest.stderr
    assert "erling-haaland-to-real-madrid" in {s["id"] for s in json.loads(latest.stdout)}

    # Datasette, as installed: the plugin gives this database, called rumours, its queries.
    served = run(
        python, "-c",
        "import asyncio, sys\n"
        "from datasette.app import Datasette\n"
        "async def main():\n"
        "    response = await Datasette(files=[sys.argv[1]]).client.get('/rumours/latest_rumours.json')\n"
        "    print(response.status_code)\n"
        "asyncio.run(main())\n",
        db, cwd=cwd, env=env,
    )  # fmt: skip
    assert served.stdout.strip() == "200", served.stderr

    # eval: the labelled articles are not in the package, so it needs a folder, and says so.
    no_folder = run(script, "eval", cwd=cwd, env=env)
    assert no_folder.returncode == 2 and "name a folder of gold files" in no_folder.stderr
    scored = run(script, "eval", REPO / "tests" / "eval" / "dev", cwd=cwd, env=env)
    assert scored.returncode == 0 and scored.stdout.startswith("files="), scored.stderr
