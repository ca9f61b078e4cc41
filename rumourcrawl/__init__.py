"""rumourcrawl: football transfer rumours from news sites, into SQLite for Datasette."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("rumourcrawl")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.0.0"

# Data the program reads at run time (gazetteers, demo site, Datasette metadata) ships inside the
# package (package data), so a wheel installed anywhere has it too.
DATA_DIR = Path(__file__).resolve().parent / "data"
