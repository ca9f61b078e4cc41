"""Regenerate rumourcrawl/data/gazetteers/clubs.tsv from the openfootball/clubs text files.

Usage: python scripts/build_gazetteer.py [SOURCE_DIR] [OUT_FILE]
(defaults: /work/shared/gazetteers/openfootball-clubs, rumourcrawl/data/gazetteers/clubs.tsv)

Each output row is: canonical name, country code, aliases (|-separated), venues (|-separated).
Rows are ordered by country priority (the big European leagues first) so that, when two clubs
share an alias ("Rangers", "Arsenal", "Red Star"), the loader keeps the one English-language
football news most likely means.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/work/shared/gazetteers/openfootball-clubs")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "rumourcrawl" / "data" / "gazetteers" / "clubs.tsv"

# Countries whose clubs win alias clashes, in this order; the rest follow alphabetically.
COUNTRY_PRIORITY = ["eng", "es", "it", "de", "fr", "sco", "pt", "nl", "wal", "nir", "ie", "be", "tr", "br", "ar"]

# Legal-form words that English match reports leave out ("Arsenal FC" → "Arsenal").
LEGAL_PREFIXES = ("FC ", "AFC ", "AS ", "SS ", "SSC ", "ACF ", "US ", "CF ", "RC ", "CD ", "SD ", "UD ", "RCD ")
LEGAL_SUFFIXES = (" FC", " AFC", " CF", " F.C.", " Calcio", " SC", " FK", " CFC", " BC")

# Canonical names where the usual English form differs from what stripping gives.
CANONICAL_OVERRIDES = {
    "AC Milan": "AC Milan",
    "FC Internazionale Milano": "Inter Milan",
    "Olympique de Marseille": "Marseille",
    "Olympique Lyonnais": "Lyon",
    "Bayer 04 Leverkusen": "Bayer Leverkusen",
    "Bayern München": "Bayern Munich",
    "Atlético Madrid": "Atletico Madrid",
    "Athletic Club": "Athletic Bilbao",
    "Sporting Clube de Portugal": "Sporting CP",
    "Sport Lisboa e Benfica": "Benfica",
    "FC Porto": "Porto",
    "Paris Saint-Germain": "Paris Saint-Germain",
    "Heart of Midlothian FC": "Hearts",
    "Tiburones Rojos Veracruz": "Veracruz",
    "Athletic Club Bilbao": "Athletic Bilbao",
    "Atalanta Bergamo": "Atalanta",
    "UC Sampdoria": "Sampdoria",
    "Bor. Mönchengladbach": "Borussia Mönchengladbach",
    "Girondins de Bordeaux": "Bordeaux",
    "Lille OSC": "Lille",
    "OGC Nice": "Nice",
    "Saint Mirren": "St Mirren",
    "SL Benfica": "Benfica",
    "Ajax Amsterdam": "Ajax",
    "Fenerbahçe İstanbul": "Fenerbahçe",
    "Galatasaray İstanbul": "Galatasaray",
    "Beşiktaş İstanbul": "Beşiktaş",
    "Botafogo RJ": "Botafogo",
    "Botafogo SP": "Botafogo-SP",
    "Stade Rennais": "Rennes",
}

# Spanish "Real X" / Italian "X Calcio" clubs also go by the short distinctive word.
SHORT_FORM_PREFIXES = ("Real ", "Deportivo ", "Racing ")
ALIAS_STOPWORDS = {"Paris", "Real", "Sporting", "Racing", "Deportivo"}  # too ambiguous on their own


def strip_legal_form(name: str) -> str:
    for prefix in LEGAL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 3:
            name = name[len(prefix) :]
    for suffix in LEGAL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 3:
            name = name[: -len(suffix)]
    return re.sub(r"\s+\d{4}$", "", name).strip()


def clean_alias(raw: str) -> list[str]:
    """One raw alias → the spellings to index (parenthesised parts kept and dropped)."""
    raw = raw.split("#", 1)[0].strip()
    is_english = "[en]" in raw
    raw = re.sub(r"\[[a-z]{2}\]", "", raw).strip()
    if not raw:
        return []
    variants = {re.sub(r"\s+", " ", re.sub(r"\(([^)]*)\)", r"\1", raw)).strip()}
    variants.add(re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", raw)).strip())
    out = [v for v in variants if v]
    if is_english:
        out = ["[en]" + v for v in out]
    return out


def parse_clubs_file(path: Path, country: str) -> list[dict]:
    clubs: list[dict] = []
    current: dict | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#") or line.startswith("="):
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            if current is None:
                continue
            for part in stripped.split("|"):
                current["aliases"].extend(clean_alias(part))
            continue
        if line[0].isspace() or "//" in line:  # postal addresses and other indented notes
            continue
        line = line.split("##", 1)[0].split("#", 1)[0]
        if re.match(r"^[ivx]+\)", stripped):  # "ii) Real Madrid B": reserve sides
            current = None
            continue
        parts = [p.strip() for p in line.split(",")]
        name = re.sub(r"\s*\([^)]*\)", "", parts[0]).strip()
        if not name:
            continue
        venues = [p[1:].strip() for p in parts[1:] if p.startswith("@")]
        current = {"name": name, "country": country, "aliases": [], "venues": venues}
        clubs.append(current)
    return clubs


def canonical_name(club: dict) -> str:
    for name in (club["name"], strip_legal_form(club["name"])):
        if name in CANONICAL_OVERRIDES:
            return CANONICAL_OVERRIDES[name]
    english = [
        a[4:]
        for a in club["aliases"]
        if a.startswith("[en]") and "." not in a and len(a[4:].split()) <= 3 and len(a[4:].split()[0]) > 2
    ]
    if english:
        return strip_legal_form(min(english, key=len))
    return strip_legal_form(club["name"])


def build_rows(source: Path) -> list[tuple[str, str, list[str], list[str]]]:
    files = sorted(source.rglob("*.clubs.txt"))
    by_country: dict[str, list[dict]] = {}
    for path in files:
        country = path.name.split(".")[0]
        by_country.setdefault(country, []).extend(parse_clubs_file(path, country))
    order = [c for c in COUNTRY_PRIORITY if c in by_country] + sorted(
        c for c in by_country if c not in COUNTRY_PRIORITY
    )
    rows = []
    for country in order:
        for club in by_country[country]:
            canonical = canonical_name(club)
            aliases = {club["name"], canonical, strip_legal_form(club["name"])}
            for alias in club["aliases"]:
                alias = alias.removeprefix("[en]")
                aliases.add(alias)
                aliases.add(strip_legal_form(alias))
            for prefix in SHORT_FORM_PREFIXES:
                if canonical.startswith(prefix) and len(canonical.split()) == 2:
                    aliases.add(canonical[len(prefix) :])
            aliases = {a for a in aliases if a and a not in ALIAS_STOPWORDS and len(a) > 2}
            aliases.discard(canonical)
            rows.append((canonical, country, sorted(aliases), club["venues"]))
    return rows


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    if not source.is_dir():
        print(f"error: {source} is not a directory", file=sys.stderr)
        return 2
    rows = build_rows(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write("# canonical\tcountry\taliases\tvenues  (generated by scripts/build_gazetteer.py; CC0 data)\n")
        for canonical, country, aliases, venues in rows:
            fh.write(f"{canonical}\t{country}\t{'|'.join(aliases)}\t{'|'.join(venues)}\n")
    print(f"wrote {len(rows)} clubs to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
