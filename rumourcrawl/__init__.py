"""rumourcrawl: football transfer rumours from news sites, into SQLite for Datasette."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("rumourcrawl")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.0.0"

# Bundled data (gazetteers, demo site, Datasette metadata) lives beside the package in the checkout.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
