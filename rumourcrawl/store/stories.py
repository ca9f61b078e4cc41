"""Stories, people and clubs, derived from the rumours of original (non-copy) articles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import sqlite_utils

from rumourcrawl.extract.gazetteer import load_gazetteer, name_key, strip_accents
from rumourcrawl.extract.models import TERMINAL_STAGES
from rumourcrawl.extract.rumours.model import is_shown, min_confidence_setting
from rumourcrawl.store.articles import STAGE_RANK
from rumourcrawl.store.schema import AGREED_STAGES, DENIED_STAGES, SOURCE_STATS_SQL, write_transaction


def _story_person_keys(subjects: Iterable[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Map each subject's name key to the key of the person it names.

    A one-word name ("Haaland") merges into the one full name ending in it ("Erling Haaland");
    when two full names end in it (Bruno Fernandes, Enzo Fernandes) it stays on its own.
    """
    keys = {name_key(s) for s in subjects if s}
    full_by_last: dict[str, set[tuple[str, ...]]] = {}
    for key in keys:
        if len(key) > 1:
            full_by_last.setdefault(key[-1], set()).add(key)
    mapping = {}
    for key in keys:
        candidates = full_by_last.get(key[0], set()) if len(key) == 1 else set()
        mapping[key] = next(iter(candidates)) if len(candidates) == 1 else key
    return mapping


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).casefold()).strip("-")


def _most_common(values: Iterable) -> object:
    counted = Counter(v for v in values if v is not None)
    return counted.most_common(1)[0][0] if counted else None


def next_stage(current: str | None, reported: str) -> str:
    """A story's stage after a new report: never backwards, except to denied/collapsed reported
    later; "done" is never overturned; after a denial or collapse, a new report reopens it."""
    if current is None or current in TERMINAL_STAGES:
        return reported
    if current == "done":
        return current
    if reported in TERMINAL_STAGES:
        return reported
    return reported if STAGE_RANK.get(reported, -1) > STAGE_RANK.get(current, -1) else current


def _format_fee(amount: int, currency: str | None) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency or "", "")
    figure = f"{amount / 1_000_000:g}m" if amount >= 1_000_000 else f"{amount:,}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency or ''}".strip()


def _story(story_id: str, rows: list[dict]) -> dict:
    rows.sort(key=lambda r: (r["when"] or "", r["article_url"], r["position"]))
    latest = None
    for row in rows:
        latest = next_stage(latest, row["stage"] or "speculation")
    positive = [r["stage"] for r in rows if r["stage"] in STAGE_RANK]
    furthest = max(positive, key=STAGE_RANK.__getitem__) if positive else latest
    currency = _most_common(r["fee_currency"] for r in rows if r["fee_amount"])
    fees = [r["fee_amount"] for r in rows if r["fee_amount"] and r["fee_currency"] == currency]
    subject = max(
        Counter(r["subject"] for r in rows).items(), key=lambda item: (len(name_key(item[0])), item[1], item[0])
    )[0]
    to_club = rows[0]["to_club"]
    tiers = [r["source_tier"] for r in rows if r["source_tier"] is not None]
    return {
        "id": story_id,
        "title": (
            f"{subject} (exit)"
            if not to_club
            else f"{subject} stays at {to_club}"
            if all(r["from_club"] in (to_club, None) for r in rows) and _most_common(r["kind"] for r in rows) == "stay"
            else f"{subject} → {to_club}"
        ),
        "subject": subject,
        "subject_role": _most_common(r["subject_role"] for r in rows),
        "from_club": _most_common(r["from_club"] for r in rows if r["from_club"] != to_club)
        or (to_club if any(r["from_club"] == to_club for r in rows) else None),
        "to_club": to_club,
        "kind": _most_common(r["kind"] for r in rows),
        "latest_stage": latest,
        "furthest_stage": furthest,
        "first_seen": rows[0]["when"],
        "last_seen": max(r["when"] or "" for r in rows) or None,
        "first_fetched": min(r["first_fetched"] for r in rows),
        "first_outlet": rows[0]["outlet_name"],
        "first_article": rows[0]["article_url"],
        "articles": len({r["article_url"] for r in rows}),
        "outlets": len({r["outlet_name"] for r in rows}),
        "rumours": len(rows),
        "best_tier": min(tiers) if tiers else None,
        "confidence": max((r["confidence"] for r in rows if r["confidence"] is not None), default=None),
        "fee_min": min(fees) if fees else None,
        "fee_max": max(fees) if fees else None,
        "fee_currency": currency if fees else None,
        "fee_range": (
            None
            if not fees
            else _format_fee(min(fees), currency)
            if min(fees) == max(fees)
            else f"{_format_fee(min(fees), currency)}–{_format_fee(max(fees), currency)}"
        ),
    }


def _family(subject: str) -> str:
    """The word a subject's story depends on: its surname (its only word, for a one-word name).

    A story groups the rumours of one person, and `_story_person_keys` merges a one-word name only
    into full names ending in it: so the stories of a surname's people are a function of the rumours
    whose subjects end in that surname, and nothing else. That is what lets a run refresh only them.
    """
    key = name_key(subject) if subject else ()
    return key[-1] if key else ""


_RUMOURS = """SELECT r.id, r.subject, r.subject_role, r.from_club, r.to_club, r.kind, r.stage, r.fee_amount,
                      r.fee_currency, r.source, r.source_tier, r.position, r.article_url, r.confidence,
                      coalesce(r.published, a.published, a.first_fetched) AS "when", a.first_fetched,
                      coalesce(a.outlet, o.domain, a.url) AS outlet_name
               FROM rumours r CROSS JOIN articles a ON a.url = r.article_url
               LEFT JOIN outlets o ON o.name = a.outlet
               WHERE a.duplicate_of IS NULL AND NOT coalesce(r.historical, 0) AND r.subject != ''"""
# CROSS JOIN: the rumours first (for a run, those of its subjects, through the subject index), then
# their articles; else the planner may walk every original article (duplicate_of IS NULL) first.
_CHUNK = 500  # values per IN (...) list


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


def refresh_stories(
    db: sqlite_utils.Database, subjects: Iterable[str] | None = None, min_confidence: float | None = None
) -> dict[str, int]:
    """Rebuild stories, people and clubs from the rumours of original (non-copy) articles.

    A story's stage, fee, counts, sources and first report come from its rows that the default views
    show (confidence at least `min_confidence`, by default the min_confidence setting): a hidden row is
    more often wrong than right, and must not make a story "done". A story none of whose rows is shown
    is hidden itself (its confidence is its best row's), and is made of all its rows.

    With `subjects` (the rumour subjects a run wrote, replaced or removed: SaveResult.subjects), only
    the stories of people sharing a surname with one of them are rebuilt, and the counts of the clubs
    those stories name: the same rows a full rebuild gives, at a cost that follows the run, not the
    database. Without, everything is rebuilt (`rumourcrawl reextract`, or when asked).

    Idempotent: the same rumours give the same rows and ids, and only rows that changed are
    written, so readers see a consistent picture and a re-run changes nothing.
    """
    families = None if subjects is None else {_family(s) for s in subjects if s}
    if families is None:
        rumours = [dict(zip(cols, values, strict=True)) for cols, values in _query(db, _RUMOURS)]
        scoped: list[str] = []
    else:
        # Every subject of those families (the subject index answers this without reading the rumours).
        scoped = sorted(
            s for (s,) in db.execute("SELECT DISTINCT subject FROM rumours").fetchall() if s and _family(s) in families
        )
        rumours = [
            dict(zip(cols, values, strict=True))
            for chunk in _chunks(scoped)
            for cols, values in _query(db, f"{_RUMOURS} AND r.subject IN ({_marks(chunk)})", chunk)
        ]
    person_of = _story_person_keys(r["subject"] for r in rumours)
    grouped: dict[str, list[dict]] = {}
    for row in rumours:
        person = person_of[name_key(row["subject"])]
        story_id = _slug(" ".join(person) + (f" to {row['to_club']}" if row["to_club"] else " exit"))
        grouped.setdefault(story_id, []).append(row)
    floor = min_confidence_setting() if min_confidence is None else min_confidence
    shown = {
        story_id: [r for r in rows if is_shown(r["confidence"], floor)] or rows for story_id, rows in grouped.items()
    }
    stories = {story_id: _story(story_id, rows) for story_id, rows in shown.items()}
    sources = _story_sources(stories, shown)
    story_of_rumour = {row["id"]: story_id for story_id, rows in grouped.items() for row in rows}

    people: dict[str, dict] = {}
    for story in stories.values():
        person = people.setdefault(
            story["subject"],
            {
                "name": story["subject"],
                "role": story["subject_role"],
                "stories": 0,
                "first_seen": None,
                "last_seen": None,
            },
        )
        person["stories"] += 1
        person["first_seen"] = min(filter(None, [person["first_seen"], story["first_seen"]]), default=None)
        person["last_seen"] = max(filter(None, [person["last_seen"], story["last_seen"]]), default=None)

    with write_transaction(db):
        if families is None:
            new = _write_all(db, stories, people, story_of_rumour, sources)
        else:
            new = _write_scope(db, families, scoped, stories, people, story_of_rumour, sources)
    total = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("stories", "people", "clubs")
    }
    return {"stories": total["stories"], "stories_new": new, "people": total["people"], "clubs": total["clubs"]}


def _story_sources(stories: dict[str, dict], grouped: dict[str, list[dict]]) -> dict[tuple[str, str], dict]:
    """The story_sources rows of these stories: per story and named source, the source's best tier and
    rumour count in the story, and the story's stage flags (what source_stats sums)."""
    rows: dict[tuple[str, str], dict] = {}
    for story_id, rumours in grouped.items():
        story = stories[story_id]
        for rumour in rumours:
            source = rumour["source"]
            if source is None:
                continue
            row = rows.setdefault(
                (story_id, source),
                {
                    "story_id": story_id,
                    "source": source,
                    "tier": None,
                    "rumours": 0,
                    "agreed_or_done": int(story["furthest_stage"] in AGREED_STAGES),
                    "denied_or_collapsed": int(story["latest_stage"] in DENIED_STAGES),
                },
            )
            row["rumours"] += 1
            tier = rumour["source_tier"]
            if tier is not None and (row["tier"] is None or tier < row["tier"]):
                row["tier"] = tier
    return rows


def _write_story_sources(db: sqlite_utils.Database, rows: dict[tuple[str, str], dict], stored: dict) -> set[str]:
    """Make the stored story_sources rows `stored` (keyed like `rows`) into `rows`; returns the sources
    whose rows changed. Call after the stories are written and before any is deleted."""
    gone = sorted(set(stored) - set(rows))
    for story_id, source in gone:
        db.execute("DELETE FROM story_sources WHERE story_id = ? AND source = ?", [story_id, source])
    changed = [row for key, row in rows.items() if stored.get(key) != row]
    if changed:
        db["story_sources"].upsert_all(changed, pk=("story_id", "source"))
    return {source for _, source in gone} | {row["source"] for row in changed}


def _stored_story_sources(db: sqlite_utils.Database, story_ids: list[str] | None) -> dict[tuple[str, str], dict]:
    """The stored story_sources rows of these stories (of all stories for None)."""
    if story_ids is None:
        found = db.query("SELECT * FROM story_sources")
    else:
        found = (
            row
            for chunk in _chunks(story_ids)
            for row in db.query(f"SELECT * FROM story_sources WHERE story_id IN ({_marks(chunk)})", chunk)
        )
    return {(row["story_id"], row["source"]): row for row in found}


def _recount_sources(db: sqlite_utils.Database, sources: Iterable[str]) -> None:
    """Each source's source_stats row from story_sources; gone when no story names it. The same rows as
    the full rebuild's count."""
    for source in sorted(sources):
        row = next(db.query(f"{SOURCE_STATS_SQL} WHERE source = ?", [source]))
        if not row["stories"]:
            db.execute("DELETE FROM source_stats WHERE source = ?", [source])
            continue
        row["source"] = source
        stored = next(db.query("SELECT * FROM source_stats WHERE source = ?", [source]), None)
        if stored != row:
            db["source_stats"].upsert(row, pk="source")


def _write_all(
    db: sqlite_utils.Database,
    stories: dict[str, dict],
    people: dict[str, dict],
    story_of_rumour: dict[int, str],
    sources: dict[tuple[str, str], dict],
) -> int:
    """Write a full rebuild; returns how many stories are new."""
    gazetteer = load_gazetteer()
    clubs: dict[str, dict] = {}
    for story in stories.values():
        for column, counter in (("to_club", "stories_in"), ("from_club", "stories_out")):
            name = story[column]
            if not name:
                continue
            club = clubs.setdefault(
                name,
                {"name": name, "country": gazetteer.club_country.get(name) or None, "stories_in": 0, "stories_out": 0},
            )
            if not (counter == "stories_out" and story["from_club"] == story["to_club"]):
                club[counter] += 1
    stored_ids = {story_id for (story_id,) in db.execute("SELECT id FROM stories").fetchall()}
    _sync(db, "people", people, "name")
    _sync(db, "clubs", clubs, "name")
    _sync(db, "stories", stories, "id")
    current = dict(db.execute("SELECT id, story_id FROM rumours").fetchall())
    for rumour_id, old in current.items():
        new = story_of_rumour.get(rumour_id)
        if new != old:
            db.execute("UPDATE rumours SET story_id = ? WHERE id = ?", [new, rumour_id])
    _write_story_sources(db, sources, _stored_story_sources(db, None))
    summed = {row["source"]: row for row in db.query(f"{SOURCE_STATS_SQL} GROUP BY source")}
    _sync(db, "source_stats", summed, "source")
    _delete_missing(db, "source_stats", "source", summed)
    gone = [sid for (sid,) in db.execute("SELECT id FROM stories").fetchall() if sid not in stories]
    for story_id in gone:
        db.execute("DELETE FROM stories WHERE id = ?", [story_id])
    _delete_missing(db, "people", "name", people)
    _delete_missing(db, "clubs", "name", clubs)
    return len(set(stories) - stored_ids)


def _write_scope(
    db: sqlite_utils.Database,
    families: set[str],
    scoped: list[str],
    stories: dict[str, dict],
    people: dict[str, dict],
    story_of_rumour: dict[int, str],
    sources: dict[tuple[str, str], dict],
) -> int:
    """Write the stories and people of `families` (rebuilt whole) and their story_sources rows, and
    recount the clubs and sources they name."""
    stored_people = {row["name"]: row for row in db.query("SELECT * FROM people") if _family(row["name"]) in families}
    names = sorted(stored_people)
    stored_stories = {
        row["id"]: row
        for chunk in _chunks(names)
        for row in db.query(f"SELECT * FROM stories WHERE subject IN ({_marks(chunk)})", chunk)
    }
    ids = sorted(set(stories) - set(stored_stories))
    elsewhere = {
        sid
        for chunk in _chunks(ids)
        for (sid,) in db.execute(f"SELECT id FROM stories WHERE id IN ({_marks(chunk)})", chunk)
    }
    # Parents first (stories point at people and clubs), then stories, then what pointed at old ones.
    _upsert_changed(db, "people", people, stored_people, "name")
    named = {story[c] for story in stories.values() for c in ("to_club", "from_club") if story[c]}
    gazetteer = load_gazetteer()
    for name in sorted(named):
        db["clubs"].insert(
            {"name": name, "country": gazetteer.club_country.get(name) or None, "stories_in": 0, "stories_out": 0},
            pk="name",
            ignore=True,
        )
    _upsert_changed(db, "stories", stories, stored_stories, "id")
    for chunk in _chunks(scoped):
        for rumour_id, old in db.execute(
            f"SELECT id, story_id FROM rumours WHERE subject IN ({_marks(chunk)})", chunk
        ).fetchall():
            new = story_of_rumour.get(rumour_id)
            if new != old:
                db.execute("UPDATE rumours SET story_id = ? WHERE id = ?", [new, rumour_id])
    written = sorted(set(stored_stories) | set(stories))
    _recount_sources(db, _write_story_sources(db, sources, _stored_story_sources(db, written)))
    for story_id in sorted(set(stored_stories) - set(stories)):
        db.execute("DELETE FROM stories WHERE id = ?", [story_id])
    for name in sorted(set(stored_people) - set(people)):
        db.execute("DELETE FROM people WHERE name = ?", [name])
    before = {story[c] for story in stored_stories.values() for c in ("to_club", "from_club") if story[c]}
    _recount_clubs(db, sorted(named | before))
    return len(ids) - len(elsewhere)


def _recount_clubs(db: sqlite_utils.Database, names: list[str]) -> None:
    """Each club's row from the stories table: stories in, stories out (not counting stays); gone when
    no story names it. The same rows as the full rebuild's count."""
    gazetteer = load_gazetteer()
    for name in names:
        stories_in = db.execute("SELECT count(*) FROM stories WHERE to_club = ?", [name]).fetchone()[0]
        from_here = db.execute("SELECT count(*) FROM stories WHERE from_club = ?", [name]).fetchone()[0]
        if not (stories_in or from_here):
            db.execute("DELETE FROM clubs WHERE name = ?", [name])
            continue
        stays = db.execute(
            "SELECT count(*) FROM stories WHERE from_club = ? AND to_club = from_club", [name]
        ).fetchone()[0]
        row = {
            "name": name,
            "country": gazetteer.club_country.get(name) or None,
            "stories_in": stories_in,
            "stories_out": from_here - stays,
        }
        stored = db.execute("SELECT * FROM clubs WHERE name = ?", [name]).fetchone()
        if stored is None or tuple(stored) != tuple(row.values()):
            db["clubs"].upsert(row, pk="name")


def _query(db: sqlite_utils.Database, sql: str, params=()) -> Iterable[tuple[list[str], tuple]]:
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        yield columns, values


def _upsert_changed(
    db: sqlite_utils.Database, table: str, rows: dict[str, dict], stored: dict[str, dict], pk: str
) -> None:
    changed = [row for key, row in rows.items() if stored.get(key) != row]
    if changed:
        db[table].upsert_all(changed, pk=pk)


def _sync(db: sqlite_utils.Database, table: str, rows: dict[str, dict], pk: str) -> None:
    """Write only the rows that differ from what is stored."""
    _upsert_changed(db, table, rows, {row[pk]: row for row in db[table].rows}, pk)


def _delete_missing(db: sqlite_utils.Database, table: str, pk: str, keep: dict) -> None:
    for (key,) in db.execute(f"SELECT {pk} FROM {table}").fetchall():
        if key not in keep:
            db.execute(f"DELETE FROM {table} WHERE {pk} = ?", [key])
