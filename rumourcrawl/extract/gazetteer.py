"""Club and source gazetteers bundled in rumourcrawl/data/gazetteers/, loaded once per process.

Club mentions are found by token n-gram lookup in one dict (longest match first), which costs
a handful of dict probes per capitalised token instead of a scan over thousands of aliases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "data" / "gazetteers"

# A word; an apostrophe inside it is part of it ("O'Leary", "N'Golo"), and name keys drop it.
WORD_RE = re.compile(r"\w+(?:['’]\w{2,})*")
# What may sit between two words of one club name: spaces, "Man. City", "St James' Park", "&".
JOIN_GAP_RE = re.compile(r"[\s.'’&\-]{1,4}")
# Longer lower-case words that may sit inside a club name ("Newcastle upon Tyne"); words of up to three
# letters ("de", "la", "of", "für") always may.
LOWERCASE_NAME_WORDS = frozenset("upon della dello degli delle unter über".split())
# A word that may open a club name: capitalised or a digit ("1860 Munich"), at a word start.
CLUB_OPENER_RE = re.compile(r"\b[^\W_a-zß-ÿ]\w*")

# Single-word aliases that are ordinary English words or first names far more often than clubs.
AMBIGUOUS_SINGLE_ALIASES = {
    "city",
    "united",
    "athletic",
    "town",
    "county",
    "rovers",
    "wanderers",
    "albion",
    "union",
    "national",
    "olympic",
    "sporting",
    "racing",
    "real",
    "royal",
    "star",
    "stars",
    "well",
    "dale",
    "gas",
    "wednesday",
    "paris",
    "victoria",
    "alliance",
    "academy",
    "central",
    "south",
    "north",
    "east",
    "west",
    "liberty",
    "spartans",
    "rangers fc",
    "international",
    "olympia",
    "santos",
    "nacional",
    "independiente",
    "the",
    "club",
    "football",
    "fc",
    "ac",
    "as",
    "sc",
    "reading",
    "harrow",
    "march",
    "may",
    "june",
    "august",
    "hope",
    "faith",
    "grace",
    "unity",
    "progress",
    "victory",
    "triumph",
    "deal",
    "talks",
    "premier",
    "league",
    "cup",
    "sport",
    "sports",
    "stadium",
    "park",
    "arena",
    "dynamo",
    "torpedo",
    "lokomotiv",
    "spartak",
    "juniors",
    "boys",
    "young",
    "old",
    "new",
    "mark",
    "jordan",
    "jamie",
    "luis",
    "rio",
    "cole",
    "will",
    "bury",
    "clyde",
    "hamilton",
    "stirling",
    "wigan",
    "preston",
    "barnet",
    "derby",
}
# Cities far more often than the club of that bare name ("flew to Munich for his medical", "a Paris labour
# court", "talks in Berlin"): those clubs keep only their longer names ("1860 Munich", "Paris FC").
CITY_NOT_CLUB = frozenset("munich paris turin moscow amsterdam brussels berlin vienna stockholm tokyo miami".split())
AMBIGUOUS_SINGLE_ALIASES |= CITY_NOT_CLUB
# A word before a place name that makes it another place: "New York", "New South Wales".
PLACE_PREFIX_BEFORE_RE = re.compile(r"\bNew\s$")
DAY_BEFORE_RE = re.compile(r"\b(?:[Oo]n|by|until|till|since|from|last|next|this|before|after|for)\s+\(?$")
DAY_AFTER_RE = re.compile(r"['’]s\b|\s+(?:night|morning|afternoon|evening)\b")
# The capitalised first half of a hyphenated name right before a one-word club alias ("Iling-Junior");
# not "Ex-Chelsea" or "Anti-Arsenal", and not another club ("Brighton-Chelsea" is a fixture).
SURNAME_HALF_BEFORE_RE = re.compile(r"(?<![\w-])(?!(?:Anti|Non|Pro|Post|Pre|Mid)-)([A-ZÀ-Þ][a-zß-ÿ]{2,})-$")
# Words that look like the first word of a club name but here mark a national side or a non-club.
NOT_CLUB_AFTER = {"national", "under", "u21", "u19", "reserves"}
WOMEN_TEAM_AFTER_RE = re.compile(r" (?:Women|Ladies|Féminines|Femenino|Frauen)\b(?!['’]s (?:game|football))")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)  # the same names come back sentence after sentence
def name_key(text: str) -> tuple[str, ...]:
    """Accent- and case-insensitive word tuple used as a lookup key for names."""
    folded = strip_accents(text).casefold()
    if "'" in folded or "’" in folded:
        return tuple(w.replace("'", "").replace("’", "") for w in WORD_RE.findall(folded))
    return tuple(WORD_RE.findall(folded))


@dataclass(frozen=True)
class ClubMention:
    start: int  # character offsets in the searched text
    end: int
    surface: str
    canonical: str
    alias_type: str  # "name", "short", "nickname" or "venue"


@dataclass(frozen=True)
class Source:
    name: str
    tier: int
    kind: str


class Gazetteer:
    def __init__(self, directory: Path = GAZETTEER_DIR) -> None:
        self.club_aliases: dict[tuple[str, ...], tuple[str, str]] = {}
        self.club_country: dict[str, str] = {}
        self.sources: dict[tuple[str, ...], Source] = {}
        self._load_clubs(directory / "clubs.tsv")
        self._load_nicknames(directory / "nicknames.tsv")
        self._load_sources(directory / "sources.tsv")
        self.max_alias_words = max((len(k) for k in self.club_aliases), default=1)
        # Every proper prefix of an alias, so the n-gram walk stops as soon as no alias can follow.
        self.alias_prefixes = {key[:n] for key in self.club_aliases for n in range(1, len(key))}
        self.max_source_words = max((len(k) for k in self.sources), default=1)

    # -- loading ---------------------------------------------------------------------------
    @staticmethod
    def _rows(path: Path):
        if not path.exists():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")

    def _add_alias(self, alias: str, canonical: str, alias_type: str, *, override: bool = False) -> None:
        key = name_key(alias)
        if not key or (len(key) == 1 and key[0] in AMBIGUOUS_SINGLE_ALIASES and alias_type == "name"):
            return
        if len(key) == 1 and len(key[0]) < 3 and not alias.isupper():
            return
        if override or key not in self.club_aliases:
            self.club_aliases[key] = (canonical, alias_type)

    def _load_clubs(self, path: Path) -> None:
        for row in self._rows(path):
            canonical, country = row[0], row[1] if len(row) > 1 else ""
            if canonical in self.club_country:  # an earlier (higher-priority) club already owns it
                continue
            self.club_country[canonical] = country
            self._add_alias(canonical, canonical, "name")
            for alias in row[2].split("|") if len(row) > 2 and row[2] else []:
                self._add_alias(alias, canonical, "name")
            for venue in row[3].split("|") if len(row) > 3 and row[3] else []:
                self._add_alias(venue, canonical, "venue")
        # A club's own canonical name beats another club's alias ("Arsenal" is Arsenal, not Arsenal Tula).
        for canonical in self.club_country:
            key = name_key(canonical)
            if len(key) == 1 and key[0] in CITY_NOT_CLUB:
                continue
            if key and self.club_aliases.get(key, (None,))[0] != canonical:
                self.club_aliases[key] = (canonical, "name")

    def _load_nicknames(self, path: Path) -> None:
        seen: set[tuple[str, ...]] = set()
        for row in self._rows(path):
            if len(row) < 2:
                continue
            alias, canonical = row[0].strip(), row[1].strip()
            alias_type = row[2].strip() if len(row) > 2 else "nickname"
            key = name_key(alias)
            if key in seen:  # first curated line wins ("Blues" = Chelsea, not Birmingham)
                continue
            seen.add(key)
            self.club_country.setdefault(canonical, "")
            self._add_alias(alias, canonical, alias_type, override=True)

    def _load_sources(self, path: Path) -> None:
        for row in self._rows(path):
            if len(row) < 2:
                continue
            source = Source(row[0].strip(), int(row[1]), row[2].strip() if len(row) > 2 else "outlet")
            names = [source.name] + [a for a in (row[3].split("|") if len(row) > 3 else []) if a.strip()]
            for name in names:
                self.sources.setdefault(name_key(name), source)

    # -- lookups ---------------------------------------------------------------------------
    def canonical_club(self, name: str | None) -> str | None:
        """Canonical club name for any alias ("Man City" → "Manchester City"), else None."""
        if not name:
            return None
        key = name_key(name)
        if key and key[0] == "the" and len(key) > 1 and key not in self.club_aliases:
            key = key[1:]
        hit = self.club_aliases.get(key)
        return hit[0] if hit else None

    def source(self, name: str | None) -> Source | None:
        if not name:
            return None
        key = name_key(name)
        hit = self.sources.get(key)
        if hit is None and key and key[0] == "the":
            hit = self.sources.get(key[1:])
        return hit

    def find_clubs(self, text: str) -> list[ClubMention]:
        """Every club mention in text, longest alias first, non-overlapping, in order.

        Only words that start with a capital or a digit can open a club name, so the walk starts
        from those and reads the following words lazily."""
        mentions: list[ClubMention] = []
        aliases = self.club_aliases
        prefixes = self.alias_prefixes
        max_words = self.max_alias_words
        resume = 0
        for opener in CLUB_OPENER_RE.finditer(text):
            start = opener.start()
            if start < resume or not (text[start].isupper() or text[start].isdigit()):
                continue
            end = opener.end()
            if text[end : end + 1] not in ("'", "’"):  # fast path: no alias starts with this word
                first = (strip_accents(opener.group()).casefold(),)
                if first not in aliases and first not in prefixes:
                    continue
            keys: list[str] = []
            best: tuple[int, tuple[str, str]] | None = None
            previous_end = start
            for n, word in enumerate(WORD_RE.finditer(text, start)):
                if n >= max_words or (n and not JOIN_GAP_RE.fullmatch(text, previous_end, word.start())):
                    break
                if (
                    n
                    and word.group()[0].islower()
                    and len(word.group()) > 3
                    and word.group() not in LOWERCASE_NAME_WORDS
                ):
                    break  # "Real sporting director" is not Real Sporting de Gijón
                keys.append(strip_accents(word.group()).casefold().replace("'", "").replace("’", ""))
                key = tuple(keys)
                hit = aliases.get(key)
                if hit is not None:
                    best = (word.end(), hit)
                previous_end = word.end()
                if key not in prefixes:
                    break
            if best is None:
                continue
            end, (canonical, alias_type) = best
            following_raw = text[end : end + 20]
            following = following_raw.lstrip().split(" ", 1)[0].casefold()
            looks_like_first_name = (
                end == opener.end()
                and alias_type == "name"
                and re.match(r"^ [A-Z][a-z]", following_raw) is not None
                and canonical != text[start:end]
                and aliases.get((following,)) is None
            )
            resume = end
            if following in NOT_CLUB_AFTER or looks_like_first_name:
                continue
            if PLACE_PREFIX_BEFORE_RE.search(text, max(0, start - 8), start):
                continue  # "New York" is not York City, "New England" not England
            if alias_type == "hashtag" and text[start - 1 : start] != "#":
                continue  # "#AFC" is Arsenal in a post; "AFC" alone is anyone's
            if text[start:end] == "Wednesday" and (
                DAY_BEFORE_RE.search(text, max(0, start - 10), start) or DAY_AFTER_RE.match(text, end)
            ):
                continue  # "on Wednesday", "Wednesday's game": the day, not Sheffield Wednesday
            if text[start - 1 : start] == "-" and " " not in text[start:end]:
                before = SURNAME_HALF_BEFORE_RE.search(text, max(0, start - 30), start)
                if before is not None and aliases.get((strip_accents(before.group(1)).casefold(),)) is None:
                    continue  # "Samuel Iling-Junior": half of a double-barrelled name, not Junior FC
            women = WOMEN_TEAM_AFTER_RE.match(text, end)
            if women is not None:
                end = women.end()  # "Chelsea Women": the club's women's team is the club (GUIDE)
            mentions.append(ClubMention(start, end, text[start:end], canonical, alias_type))
        return _drop_name_pairs(text, mentions)


def _drop_name_pairs(text: str, mentions: list[ClubMention]) -> list[ClubMention]:
    """Two clubs' short names side by side are a person's name: "Arda Turan" is neither Arda Kardzhali nor
    Turan Tovuz. (Clubs named in full, "Chelsea Arsenal" in a headline, are left alone.)"""
    drop: set[int] = set()
    for i, (one, other) in enumerate(zip(mentions, mentions[1:], strict=False)):
        if (
            text[one.end : other.start] == " "
            and one.canonical != other.canonical
            and all(m.alias_type == "name" and m.surface != m.canonical and " " not in m.surface for m in (one, other))
        ):
            drop.update((i, i + 1))
    return [m for i, m in enumerate(mentions) if i not in drop] if drop else mentions


@lru_cache(maxsize=4)
def load_gazetteer(directory: str | None = None) -> Gazetteer:
    """The process-wide gazetteer (built on first use, then cached)."""
    return Gazetteer(Path(directory) if directory else GAZETTEER_DIR)


def canonical_club(name: str | None) -> str | None:
    return load_gazetteer().canonical_club(name)
