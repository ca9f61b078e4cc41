"""rumourcrawl's Datasette plugin (registered through the `datasette` entry point in pyproject.toml).

- Every database that has rumourcrawl's tables gets the project's metadata (titles, descriptions,
  facets, default sorts: rumourcrawl/data/metadata.yml) and canned queries (with the chart and the
  Atom feed), whatever its file is called and with no `-m` flag: Datasette's `get_metadata` and
  `canned_queries` hooks. A database without those tables is left alone.
- SQL gets `club_name()`, the project's club gazetteer, so canned queries accept the names people
  type ("Man Utd", "Spurs"), and `min_confidence()`, the threshold below which the canned queries hide
  rows (plugin setting `min_confidence`, e.g. `-s plugins.rumourcrawl.min_confidence 0.3`, else the
  environment variable RUMOURCRAWL_MIN_CONFIDENCE, else 0.35). Nothing is deleted: the tables show every
  row with its confidence, and the `below_threshold` query lists what the others hide.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

from datasette import hookimpl
from markupsafe import escape

from rumourcrawl import DATA_DIR
from rumourcrawl.extract.gazetteer import canonical_club
from rumourcrawl.extract.rumours.model import min_confidence_setting as model_min_confidence

METADATA_FILE = DATA_DIR / "metadata.yml"
# The template's key in metadata.yml (the checkout's database is data/rumours.db).
TEMPLATE_DATABASE = "rumours"
# A database with these tables is a rumourcrawl database.
SCHEMA_TABLES = frozenset({"articles", "rumours", "stories"})
# How long a "not a rumourcrawl database" answer is trusted: a crawl may create the tables meanwhile.
RECHECK_SECONDS = 2.0


def club_name(name: str | None) -> str | None:
    """The canonical club name for any alias, else the name as given (trimmed)."""
    if name is None:
        return None
    return canonical_club(name) or name.strip()


def min_confidence_setting(datasette=None) -> float:
    """The confidence below which the default views hide rows: plugin setting, environment, default."""
    config = (datasette.plugin_config("rumourcrawl") if datasette is not None else None) or {}
    return model_min_confidence(config)


@hookimpl
def prepare_connection(conn, datasette):
    conn.create_function("club_name", 1, club_name, deterministic=True)
    threshold = min_confidence_setting(datasette)
    conn.create_function("min_confidence", 0, lambda: threshold, deterministic=True)


@lru_cache(maxsize=1)
def project_metadata() -> dict:
    """metadata.yml as shipped: instance keys, and the per-database template under databases.rumours."""
    import yaml

    return yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))


def has_rumourcrawl_schema(path: str | Path) -> bool:
    """Does the SQLite file have rumourcrawl's tables? Read-only, never creates or changes the file."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return SCHEMA_TABLES <= names


# path → (is a rumourcrawl database, when checked). A yes is kept; a no is checked again after a while.
_schema_seen: dict[str, tuple[bool, float]] = {}


def _is_rumourcrawl_database(db) -> bool:
    if db.is_memory or not db.path:
        return False
    seen = _schema_seen.get(db.path)
    now = time.monotonic()
    if seen and (seen[0] or now - seen[1] < RECHECK_SECONDS):
        return seen[0]
    found = has_rumourcrawl_schema(db.path)
    _schema_seen[db.path] = (found, now)
    return found


def rumourcrawl_databases(datasette) -> list[str]:
    """Names of the served databases that have rumourcrawl's schema."""
    return [name for name, db in list(datasette.databases.items()) if _is_rumourcrawl_database(db)]


def _fill(html: str, address: str) -> str:
    return html.replace("{db}", str(escape(address)))


def _copy_dicts(value):
    """A copy of every dict in `value` (Datasette merges other metadata into what a hook returns)."""
    if isinstance(value, dict):
        return {key: _copy_dicts(item) for key, item in value.items()}
    return value


def _database_metadata(template: dict, address: str) -> dict:
    database = dict(template)
    # The canned queries come from the canned_queries hook; they stay in the metadata as well because
    # datasette-atom takes a feed's title from there.
    if "description_html" in database:
        database["description_html"] = _fill(database["description_html"], address)
    return database


@lru_cache(maxsize=64)
def _metadata_for(databases: tuple[tuple[str, str], ...]) -> dict:
    """The metadata for these (name, address) rumourcrawl databases; callers get a copy."""
    shipped = project_metadata()
    metadata = {k: v for k, v in shipped.items() if k not in ("databases", "description_html_several")}
    if len(databases) == 1:
        metadata["description_html"] = _fill(shipped["description_html"], databases[0][1])
    else:
        metadata["description_html"] = shipped["description_html_several"]
    template = shipped["databases"][TEMPLATE_DATABASE]
    metadata["databases"] = {name: _database_metadata(template, address) for name, address in databases}
    return metadata


@hookimpl
def get_metadata(datasette, key, database, table):
    names = rumourcrawl_databases(datasette)
    if not names:
        return {}
    return _copy_dicts(_metadata_for(tuple((name, str(datasette.urls.database(name))) for name in names)))


@hookimpl
def canned_queries(datasette, database, actor):
    db = datasette.databases.get(database)
    if db is None or not _is_rumourcrawl_database(db):
        return {}
    return copy.deepcopy(project_metadata()["databases"][TEMPLATE_DATABASE]["queries"])
