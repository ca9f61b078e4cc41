"""Where rumourcrawl finds its own data and keeps yours.

- Package data (gazetteers, demo site, Datasette metadata, …) ships inside the package:
  `package_data("gazetteers")` is `rumourcrawl/data/gazetteers`, wherever rumourcrawl is installed.
- The database: `--db PATH`, else the environment variable `RUMOURCRAWL_DB`, else `data/rumours.db`
  in a checkout of the repository (when rumourcrawl runs from one, e.g. `pip install -e .`), else
  `rumours.db` in the per-user data folder (platformdirs: `~/.local/share/rumourcrawl/` on Linux,
  `~/Library/Application Support/rumourcrawl/` on macOS, `%LOCALAPPDATA%\\rumourcrawl\\` on Windows).
- A crawl keeps its lock (`DB.lock`), its log (`crawl.log`) and its queues (`jobs/`) beside the database.
"""

from __future__ import annotations

import os
from pathlib import Path

from rumourcrawl import DATA_DIR

APP_NAME = "rumourcrawl"
DB_ENV = "RUMOURCRAWL_DB"
DB_FILE = "rumours.db"


def package_data(*parts: str) -> Path:
    """A file or folder shipped in the package's data folder (rumourcrawl/data/)."""
    return DATA_DIR.joinpath(*parts)


def checkout_root() -> Path | None:
    """The repository folder when rumourcrawl runs from a checkout (an editable install), else None."""
    root = DATA_DIR.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "scrapy.cfg").is_file() and (root / "data").is_dir():
        return root
    return None


def user_data_dir() -> Path:
    """The per-user data folder (platformdirs), where an installed rumourcrawl keeps its database."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_db() -> Path:
    """The database used when no --db is given (see the module docstring for the order)."""
    from_env = os.environ.get(DB_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "data" / DB_FILE
    return user_data_dir() / DB_FILE


def beside_db(db_path: str | Path, name: str) -> Path:
    """A file or folder a crawl keeps next to its database (crawl.log, jobs)."""
    return Path(db_path).expanduser().parent / name
