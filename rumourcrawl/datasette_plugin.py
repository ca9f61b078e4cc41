"""A Datasette plugin (registered through the `datasette` entry point in pyproject.toml) that gives
SQL the project's club gazetteer, so canned queries accept the names people type ("Man Utd", "Spurs")."""

from __future__ import annotations

from datasette import hookimpl

from rumourcrawl.extract.gazetteer import canonical_club


def club_name(name: str | None) -> str | None:
    """The canonical club name for any alias, else the name as given (trimmed)."""
    if name is None:
        return None
    return canonical_club(name) or name.strip()


@hookimpl
def prepare_connection(conn):
    conn.create_function("club_name", 1, club_name, deterministic=True)
