"""Step 2: what the rules already know about each candidate, as named features for the model.

Features are sparse {name: value} dicts. Most are facts the rules compute (stage cues and their
stage, role nouns, quotes and speakers, hedges, negation, background markers, gazetteer hits, where
the club stands relative to the person, the rule engine's own verdict); a few are the words between
the person and the club, which the model weighs from the labelled texts instead of a hand lexicon.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .candidates import Candidate, Reading
from .rules import (
    APPOINTMENT_RE,
    BUYER_NOUN_BEFORE_RE,
    BUYER_VERB_AFTER_RE,
    CLUB_FROM_BEFORE_RE,
    CLUB_TO_BEFORE_RE,
    COMPILED_STAGE_CUES,
    CONDITIONAL_EXIT_RE,
    EXIT_RE,
    FIRST_PERSON_RE,
    FORMER_BEFORE_RE,
    GENERAL_DENIAL_RE,
    HISTORICAL_CUES,
    HISTORICAL_GATE_RE,
    LEXICONS,
    LOAN_RE,
    MATCH_CONTEXT_BEFORE_RE,
    PAST_SEASON_RE,
    PAST_YEAR_RE,
    REPLACED_BEFORE_RE,
    SELLER_VERB_AFTER_RE,
    STAGE_GATES,
    STAY_RE,
    TAKE_OVER_FROM,
    _role_before,
    cue_word_keys,
)

HEDGE_RE = re.compile(r"\b(?:could|may|might|would|reportedly|understood|believed|thought|rumou?red|possible)\b")
NEGATIVE_RE = re.compile(r"\b(?:not|no|never|nothing|deny|denies|denied|rule[sd]? out|dismiss\w*)\b|n't\b")
PROMO_LINE_RE = re.compile(r"^\s*(?:MORE|READ|READ MORE|ALSO READ|RELATED|WATCH|MAILBOX|LISTEN)\b\s*[:|-]", re.I)
WORD_RE = re.compile(r"[a-z][a-z'’-]*")
HERE_WE_GO_RE = re.compile(r"here we go|✅|🚨|exclusive|excl\b", re.I)
MAX_BETWEEN_WORDS = 8
# "Chelsea striker X", "West Ham's X", "Brentford star X": lower-case words only between club and name.
HOME_BETWEEN_RE = re.compile(r"^(?:['’]s)?(?:\s+[a-z][a-z0-9-]*){0,3}\s+$")
NOT_HOME_WORDS = frozenset(
    "to from by for and or with want wants wanted eye eyes sign signing target targets is are have has were was "
    "in on at linked chase chasing chased join joined joins move sell sold bid offer after than like".split()
)
ANAPHOR_START_RE = re.compile(r"^\W*(?:the|he|his|they|their|this|that|both)\b", re.I)


class SentenceFacts:
    """Facts about each sentence on its own, computed when a candidate first asks (many sentences name
    no one and are never asked) and then shared by every candidate of that sentence."""

    def __init__(self, reading: Reading) -> None:
        self.infos = reading.analyser.infos
        self.known: dict[int, dict[str, float]] = {}

    def __getitem__(self, index: int) -> dict[str, float]:
        found = self.known.get(index)
        if found is None:
            found = self.known[index] = _facts_of_sentence(self.infos[index])
        return found


def sentence_facts(reading: Reading) -> SentenceFacts:
    reading.facts = SentenceFacts(reading)
    return reading.facts


SENTENCE_CHECKS = (  # (feature, regex): each reads the lower-cased sentence
    ("exit", EXIT_RE),
    ("stay", STAY_RE),
    ("loan", LOAN_RE),
    ("appointment", APPOINTMENT_RE),
    ("hedge", HEDGE_RE),
    ("negative", NEGATIVE_RE),
    ("general_denial", GENERAL_DENIAL_RE),
    ("historical", HISTORICAL_CUES),
    ("past_season", PAST_SEASON_RE),
    ("conditional", CONDITIONAL_EXIT_RE),
    ("hwg", HERE_WE_GO_RE),
)


def word_keys(alternatives: list[str]) -> frozenset[str] | None:
    """The word keys (rules.cue_word_keys: a word's first four letters, a shorter word whole) one of which
    every match of these regex alternatives has: each starts at a word boundary with literal letters, or with
    a group of literal options ("\\b(?:to|will|would) stay"). None when one does not: no gate then."""
    keys: set[str] = set()
    for alternative in alternatives:
        found = _keys_of_start(alternative[2:]) if alternative.startswith(r"\b") else None
        if found is None:
            return None
        keys |= found
    return frozenset(keys)


def _keys_of_start(body: str) -> set[str] | None:
    letters = re.match(r"[a-z]*", body).group()
    rest = body[len(letters) :]
    if rest.startswith("(?:"):  # a group of options right after the letters: try each
        close = rest.find(")")
        if close < 0 or "(" in rest[3:close] or "[" in rest[3:close] or rest[close + 1 : close + 2] in ("*", "+", "{"):
            return None
        options, after = rest[3:close].split("|"), rest[close + 1 :]
        if after.startswith("?"):
            options, after = [*options, ""], after[1:]
        found: set[str] = set()
        for option in options:
            keys = _keys_of_start(letters + option + after)
            if keys is None:
                return None
            found |= keys
        return found
    if rest[:1] == "?" and letters:  # "bids?": the word is "bid" or "bids"
        with_letter, without = _keys_of_start(letters + rest[1:]), _keys_of_start(letters[:-1] + rest[1:])
        return None if with_letter is None or without is None else with_letter | without
    if rest[:1] in ("*", "+", "{"):
        letters = letters[:-1]  # the last letter repeats or not: the word goes on unknown
        return {letters[:4]} if len(letters) >= 4 else None
    if len(letters) >= 4:
        return {letters[:4]}
    if not letters:
        return None
    if rest.startswith("-?"):  # "off-?load": the word "off", or "offload"
        joined = _keys_of_start(letters + rest[2:])
        return None if joined is None else {letters} | joined
    if rest.startswith(r"\b") or (rest[:1] in (" ", "-", "'", "’") and rest[1:2] not in ("?", "*", "+", "{")):
        return {letters}  # the word ends here
    return None


# Substrings each branch of a slow regex needs (one of them must be in the lower-cased sentence).
SENTENCE_CHECK_GATES = {
    "general_denial": ("no", "any", "not received", "from anyone"),
    "conditional": ("if", "unless"),
    "past_season": ("last ", "close season"),
    "hwg": ("here we go", "✅", "🚨", "exclusive", "excl"),
}


# The gates as one regex each: a substring search in C instead of a generator over the words.
SENTENCE_CHECK_GATE_RES = {
    name: re.compile("|".join(map(re.escape, words))) for name, words in SENTENCE_CHECK_GATES.items() if words
} | {"historical": HISTORICAL_GATE_RE}


# Word keys one of which every match needs: a set lookup against the sentence's keys, much cheaper than a
# regex gate. From the lexicons where each branch opens with literal words; negation by hand ("n't" is "t").
SENTENCE_CHECK_KEYS = {
    "exit": word_keys(LEXICONS["exit_cues"]),
    "stay": word_keys(LEXICONS["stay_cues"]),
    "loan": word_keys(LEXICONS["loan_cues"]),
    "appointment": word_keys(LEXICONS["appointment_cues"]),
    "hedge": word_keys([HEDGE_RE.pattern]),
    "negative": frozenset("not no neve noth deny deni rule dism t".split()),
}
# On lower-cased text IGNORECASE changes nothing but the speed: Python's re runs a long case-insensitive
# alternation several times slower.
GATED_SENTENCE_CHECKS = tuple(
    (
        name,
        re.compile(pattern.pattern, pattern.flags & ~re.I),
        SENTENCE_CHECK_KEYS.get(name),
        SENTENCE_CHECK_GATE_RES.get(name),
    )
    for name, pattern in SENTENCE_CHECKS
)


def _facts_of_sentence(info) -> dict[str, float]:
    sentence = info.sentence
    text = sentence.text
    lowered = text.casefold()
    stages = info.cue_stages if info.cue_stages is not None else _cue_stages(lowered)  # the rules' when they looked
    f: dict[str, float] = {f"cue:{stage}": 1.0 for stage in stages}
    keys = info.word_keys if info.word_keys is not None and lowered == text.lower() else cue_word_keys(lowered)
    for name, pattern, needed_keys, gate in GATED_SENTENCE_CHECKS:
        if needed_keys is not None and needed_keys.isdisjoint(keys):
            continue  # no word that every branch of the regex opens with: skip the slow search
        if gate is not None and gate.search(lowered) is None:
            continue  # none of the substrings every branch needs
        if pattern.search(lowered):
            f[f"s:{name}"] = 1.0
    if PAST_YEAR_RE.search(text):
        f["s:year"] = 1.0
    if sentence.quoted:
        f["s:quoted"] = 1.0
    if FIRST_PERSON_RE.search(text):
        f["s:first_person"] = 1.0
    if info.source:
        f["s:attributed"] = 1.0
    if PROMO_LINE_RE.match(text):
        f["s:promo_line"] = 1.0
    if text.rstrip().endswith("?"):
        f["s:question"] = 1.0
    return f


def facts_of(reading: Reading, index: int) -> list[str]:
    return [name for name in reading.facts[index] if name.startswith("cue:") or name in ("s:negative", "s:hedge")]


@lru_cache(maxsize=1024)  # a handful of counts and edges, asked for by every candidate
def _bucket(value: float, edges: tuple[float, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


class Features(dict):
    """One candidate's features {name: value}, plus blocks it shares with other candidates (its person's
    features, the words of the sentence where the pair meets): `RumourModel.score` weighs each shared block
    once per text. `short` says whether the text is short (the model keeps a second weight for short texts)."""

    __slots__ = ("shared", "short")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shared: tuple[dict[str, float], ...] = ()
        self.short = False

    def flat(self) -> dict[str, float]:
        merged = dict(self)
        for block in self.shared:
            merged.update(block)
        return merged


def candidate_features(reading: Reading, candidate: Candidate, facts: SentenceFacts) -> Features:
    analyser = reading.analyser
    infos = analyser.infos
    person = candidate.person
    club = candidate.to_club
    n_sentences = max(1, len(infos))
    base = _person_base(reading, person, facts)
    f = Features()
    f.shared = (base,)
    f.short = bool(base["short_text"])
    if club is not None and club in _home_clubs(reading).get(id(person), ()):
        f["home_club"] = 1.0
    # What the rules claimed around this pair: the club as the person's selling club, other destinations.
    dests, froms, taken = rule_links(reading)
    if club is not None:
        if (id(person), club) in froms:
            f["rule_from_club"] = 1.0
        if club in taken and club not in dests.get(id(person), ()):
            f["club_claimed_for_other"] = 1.0
    others = sum(1 for d in dests.get(id(person), ()) if d != club)
    if others:
        f["rule_other_dest=" + _bucket(others, (1, 2))] = 1.0
    if club is None:
        f["to_none"] = 1.0
    else:
        if person.club and person.club == club:
            f["own_club"] = 1.0
        count = analyser.club_counts.get(club, 0)
        f["club_count=" + _bucket(count, (0, 1, 3, 6))] = 1.0
        if club not in analyser.club_counts:
            f["club_national"] = 1.0
    head = range(reading.headline_sentences)
    if club is not None and any(c.canonical == club for i in head for c in infos[i].clubs):
        f["club_in_headline"] = 1.0
    if club is not None:
        club_rank = reading.club_ranks().get(club, 9)
        f["club_rank=" + _bucket(club_rank, (0, 1, 3))] = 1.0
    # The rule engine's verdict.
    if candidate.rule_claims:
        f["rule"] = 1.0
        for claim in candidate.rule_claims:
            f[f"rule_stage={claim.stage}"] = 1.0
            f[f"rule_kind={claim.kind}"] = 1.0
            if claim.historical:
                f["rule_historical"] = 1.0
            if claim.source:
                f["rule_source"] = 1.0
        if all(c.historical for c in candidate.rule_claims):
            f["rule_all_historical"] = 1.0
    # Where the pair meets.
    sentences = candidate.sentences
    near = candidate.near_sentences
    f["n_sentences=" + _bucket(len(sentences), (0, 1, 2, 4))] = 1.0
    if near:
        f["near"] = 1.0
        if not sentences:
            f["near_only"] = 1.0
    meet = sentences or near
    if meet:
        first = meet[0]
        f["first_pos=" + _bucket(first / n_sentences, (0.0, 0.1, 0.3, 0.6))] = 1.0
        if first < reading.headline_sentences:
            f["in_headline"] = 1.0
    for index in set(sentences):
        for name in facts[index]:
            f["any_" + name] = 1.0
            if index < reading.headline_sentences:
                f["head_" + name] = 1.0
    if not candidate.rule_claims and not any(name.startswith("any_cue:") for name in f):
        f["no_cue"] = 1.0  # "Arsenal will make a final decision on Jesus' future": no word of a move
    if meet:
        f.shared = (base, _sentence_words(reading, meet[0]))
    if not sentences:
        for index in set(near):
            for name in facts[index]:
                f["near_" + name] = 1.0
        if near and not infos[near[0]].mentions and ANAPHOR_START_RE.match(infos[near[0]].sentence.text):
            f["near_anaphor_start"] = 1.0  # "The winger is also wanted by Everton"
    if candidate.bare_sentences:
        _bare_features(reading, candidate, facts, f)
    if club is not None:
        _pair_features(reading, candidate, f)
    else:
        person_clubs, rule_clubs = _club_candidates(reading).get(id(person), (0, 0))
        f["person_clubs=" + _bucket(person_clubs, (0, 1, 2))] = 1.0
        if rule_clubs:
            f["person_has_rule_club"] = 1.0
    return f


SHORT_PREFIX = "S|"
UNCOPIED_PREFIXES = ("w:", "sw:")  # word features: one weight for all texts


def with_short_copies(features: Features) -> dict[str, float]:
    """Posts and articles word claims differently: in a short text every feature but the words gets a
    second copy, so the model learns a second weight for it. Training expands features this way; at
    extraction `RumourModel` folds the two weights into one, which gives the same score for half the work."""
    f = features.flat()
    if f.get("short_text"):
        f.update({SHORT_PREFIX + name: value for name, value in f.items() if not name.startswith(UNCOPIED_PREFIXES)})
    return f


TAKE_OVER_FROM_RE = re.compile(rf"\b{TAKE_OVER_FROM}\s+$|\bin place of\s+$|\bsacked\s+$")
OWNER_NOUN_RE = re.compile(
    r"\b(?:president|chairman|owner|director|chief executive|ceo|pundit|journalist|reporter|agent|presenter|"
    r"columnist|correspondent|spokesman|spokesperson)\b[\s,]*$"
)


# (feature, the rules' regex, the text it reads: before the club as written or lower-cased, or after it)
CLUB_CONTEXT_CHECKS = (
    ("club_to_before", CLUB_TO_BEFORE_RE, "before"),
    ("club_from_before", CLUB_FROM_BEFORE_RE, "lowered_before"),
    ("club_buyer_noun_before", BUYER_NOUN_BEFORE_RE, "lowered_before"),
    ("club_former_before", FORMER_BEFORE_RE, "before"),
    ("club_match_before", MATCH_CONTEXT_BEFORE_RE, "before"),
    ("club_buyer_verb_after", BUYER_VERB_AFTER_RE, "after"),
    ("club_seller_verb_after", SELLER_VERB_AFTER_RE, "after"),
)


def _person_base(reading: Reading, person, facts: SentenceFacts) -> dict[str, float]:
    """The features of a candidate that depend only on its person (cached: a person has many candidates)."""
    found = reading.person_base.get(id(person))
    if found is not None:
        return found
    analyser = reading.analyser
    infos = analyser.infos
    f = {"bias": 1.0, f"role={person.role}": 1.0}
    words = len(person.name.split())
    f[f"name_words={min(words, 3)}"] = 1.0
    mentions = reading.mention_counts().get(id(person), 0)
    f["log_mentions"] = math.log1p(mentions)
    if person.speech_mentions:
        f["speaker"] = 1.0
        if person.speech_mentions >= mentions:
            f["only_speaker"] = 1.0
    f.update(person_facts(reading, person))
    if analyser.gazetteer.source(person.name) is not None:
        f["journalist"] = 1.0
    if analyser.gazetteer.canonical_club(person.name) is not None:
        f["name_is_club"] = 1.0
    f["short_text"] = 1.0 if len(infos) <= 6 else 0.0
    named_in = {index for index, _ in reading.mentions_of(person)}
    if any(index < reading.headline_sentences for index in named_in):
        f["person_in_headline"] = 1.0
    f["person_rank=" + _bucket(reading.person_ranks().get(id(person), 9), (0, 1, 3))] = 1.0
    # Kind cues anywhere the person is named (a post says "here we go" in one line, "loan deal" in the next).
    for index in range(len(infos)) if len(infos) <= 6 else named_in:
        for name in ("s:loan", "s:stay"):
            if name in facts[index]:
                f["person_text_" + name[2:]] = 1.0
    reading.person_base[id(person)] = f
    return f


def person_facts(reading: Reading, person) -> dict[str, float]:
    """How the text names the person: as the one being replaced, as an official or pundit, as a quoted speaker."""
    cache = reading.person_facts
    if id(person) in cache:
        return cache[id(person)]
    f: dict[str, float] = {}
    infos = reading.analyser.infos
    for index, mention in reading.mentions_of(person):
        sentence = infos[index].sentence
        lowered = sentence.text[max(0, mention.start - 40) : mention.start].casefold()
        if REPLACED_BEFORE_RE.search(lowered) or TAKE_OVER_FROM_RE.search(lowered):
            f["person_replaced"] = 1.0
        if OWNER_NOUN_RE.search(lowered):
            f["person_official_noun"] = 1.0
        if sentence.in_quote(mention.start):
            f["person_quoted_mention"] = 1.0
    lower_words = reading.analyser.lower_words()
    for word in person.name.split():
        if word.casefold() in lower_words:
            f["name_word_in_lower_case"] = 1.0  # "Monitoring Contract Situation": words of a headline, not a name
        elif reading.analyser.gazetteer.canonical_club(word) is not None:
            f["name_word_is_club"] = 1.0
    cache[id(person)] = f
    return f


def rule_links(reading: Reading) -> tuple[dict[int, set[str]], set[tuple[int, str]], set[str]]:
    """The rules' claims as lookups: id(person) → destinations, (person, selling club) pairs, claimed clubs."""
    if reading.rule_links is None:
        dests: dict[int, set[str]] = {}
        froms: set[tuple[int, str]] = set()
        taken: set[str] = set()
        for c in reading.candidates:
            for claim in c.rule_claims:
                if claim.to_club:
                    dests.setdefault(id(c.person), set()).add(claim.to_club)
                    taken.add(claim.to_club)
                if claim.from_club and claim.from_club != claim.to_club:
                    # a club the person leaves; a stay's from_club is its destination too (GUIDE), no seller
                    froms.add((id(c.person), claim.from_club))
        reading.rule_links = (dests, froms, taken)
    return reading.rule_links


def _home_clubs(reading: Reading) -> dict[int, set[str]]:
    """id(person) → the clubs the text names as the person's own ("Chelsea striker X", "West Ham's X")."""
    if reading.homes is None:
        homes: dict[int, set[str]] = {}
        for info in reading.analyser.infos:
            text = info.sentence.text
            for mention in info.mentions:
                for club in info.clubs:
                    if club.end <= mention.start and mention.start - club.end <= 30:
                        between = text[club.end : mention.start]
                        if HOME_BETWEEN_RE.match(between) and NOT_HOME_WORDS.isdisjoint(between.split()):
                            homes.setdefault(id(mention.person), set()).add(club.canonical)
        reading.homes = homes
    return reading.homes


def _sentence_words(reading: Reading, index: int) -> dict[str, float]:
    """The words of one sentence as features (cached: many candidates share a sentence)."""
    found = reading.sentence_words.get(index)
    if found is None:
        text = reading.analyser.infos[index].sentence.text.casefold()
        found = reading.sentence_words[index] = {"sw:" + word: 1.0 for word in WORD_RE.findall(text)}
    return found


def _club_candidates(reading: Reading) -> dict[int, tuple[int, int]]:
    """id(person) → (clubs met in a sentence, clubs the rules claimed), counted once per text."""
    if reading.person_clubs is None:
        counts: dict[int, tuple[int, int]] = {}
        for c in reading.candidates:
            if c.to_club:
                met, ruled = counts.get(id(c.person), (0, 0))
                counts[id(c.person)] = (met + bool(c.sentences), ruled + bool(c.rule_claims))
        reading.person_clubs = counts
    return reading.person_clubs


def _cue_stages(lowered: str) -> list[str]:
    """The stages whose cues the lower-cased text holds (each stage's regex only behind its word gate)."""
    keys = cue_word_keys(lowered)
    return [
        stage
        for stage, pattern in COMPILED_STAGE_CUES
        if not STAGE_GATES[stage].isdisjoint(keys) and pattern.search(lowered)
    ]


def _club_context(reading: Reading, index: int, club, before: str, lowered_before: str, after: str) -> dict:
    """The rules' context checks and the stage cues around one club mention (cached: every person of the
    sentence asks)."""
    key = (index, club.start)
    found = reading.club_context.get(key)
    if found is None:
        around = {"before": before, "lowered_before": lowered_before, "after": after}
        found = {
            name: 1.0
            for name, pattern, where in CLUB_CONTEXT_CHECKS
            if (pattern.match if where == "after" else pattern.search)(around[where])
        }
        for stage in _cue_stages(lowered_before[-40:] + " " + after[:40].casefold()):
            found["club_window_cue:" + stage] = 1.0
        reading.club_context[key] = found
    return found


def _bare_features(reading: Reading, candidate: Candidate, facts: SentenceFacts, f: dict[str, float]) -> None:
    """The club named in a sentence that names no person ("The suitors include Ajax, PSV and Utrecht"): that
    sentence's own facts and the cues around the club, apart from the person's other neighbouring sentences."""
    infos = reading.analyser.infos
    f["bare"] = 1.0
    for index, is_last in candidate.bare_sentences[:2]:
        f["bare_last_subject" if is_last else "bare_main_person"] = 1.0
        for name in facts[index]:
            f["bare_" + name] = 1.0
        info = infos[index]
        text = info.sentence.text
        for club in info.clubs:
            if club.canonical != candidate.to_club:
                continue
            before = text[max(0, club.start - 60) : club.start]
            after = text[club.end : club.end + 80]
            for name in _club_context(reading, index, club, before, before.casefold(), after):
                f["bare_" + name] = 1.0
            break


def _pair_features(reading: Reading, candidate: Candidate, f: dict[str, float]) -> None:
    """How person and club stand to each other in the sentences where both are named."""
    infos = reading.analyser.infos
    person = candidate.person
    for index in candidate.sentences[:4]:
        info = infos[index]
        text = info.sentence.text
        mentions = [m for m in info.mentions if m.person is person]
        clubs = [c for c in info.clubs if c.canonical == candidate.to_club]
        if not mentions:
            continue
        for club in clubs[:2]:
            before = text[max(0, club.start - 60) : club.start]
            after = text[club.end : club.end + 80]
            lowered_before = before.casefold()
            f.update(_club_context(reading, index, club, before, lowered_before, after))
            if info.sentence.in_quote(club.start):
                f["club_in_quote"] = 1.0
            if club.alias_type == "anaphor":
                f["club_anaphor"] = 1.0
            for relation in (
                "club_to_before",
                "club_from_before",
                "club_buyer_verb_after",
                "club_seller_verb_after",
                "club_owns_person",
                "club_former_before",
                "club_buyer_noun_before",
            ):
                if relation in f:
                    for cue in facts_of(reading, index):
                        f[f"x:{relation}&{cue}"] = 1.0
            mention = min(mentions, key=lambda m: abs(m.start - club.start))
            if info.sentence.in_quote(mention.start):
                f["person_in_quote"] = 1.0
            role_kind, _ = _role_before(text, mention.start)
            if role_kind:
                f[f"role_noun={role_kind}"] = 1.0
                # "Chelsea striker X", "Chelsea's X": the club right before the person is his own.
                if 0 <= mention.start - club.end <= 25:
                    f["club_owns_person"] = 1.0
            if 0 <= mention.start - club.end <= 4 and text[club.end : mention.start].strip() in ("'s", "’s", ""):
                f["club_owns_person"] = 1.0
            if mention.start < club.start:
                f["person_first"] = 1.0
                between = text[mention.end : club.start]
            else:
                f["club_first"] = 1.0
                between = text[club.end : mention.start]
            lowered_between = between.casefold()
            for stage in _cue_stages(lowered_between):
                f["between_cue:" + stage] = 1.0
            others = {id(m.person) for m in info.mentions}
            f["people_in_sentence=" + _bucket(len(others), (1, 2, 4))] = 1.0
            f["clubs_in_sentence=" + _bucket(len({c.canonical for c in info.clubs}), (1, 2, 4))] = 1.0
            nearest_club = min(info.clubs, key=lambda c: abs(c.start - mention.start))
            if nearest_club.canonical == candidate.to_club:
                f["nearest_club"] = 1.0
            nearest_person = min(info.mentions, key=lambda m: abs(m.start - club.start))
            if nearest_person.person is person:
                f["nearest_person"] = 1.0
            if info.mentions[0].person is person:
                f["first_person_in_sentence"] = 1.0
            gap = WORD_RE.findall(lowered_between)
            f["gap=" + _bucket(len(gap), (0, 2, 5, 10, 20))] = 1.0
            if len(gap) <= MAX_BETWEEN_WORDS:
                for word in gap:
                    f["w:" + word] = 1.0
            # The words around the person ("to sign X from", "X has rejoined"): they carry the stage.
            for word in WORD_RE.findall(text[max(0, mention.start - 40) : mention.start].casefold())[-2:]:
                f["ppre:" + word] = 1.0
            for word in WORD_RE.findall(text[mention.end : mention.end + 40].casefold())[:2]:
                f["ppost:" + word] = 1.0
            for word in WORD_RE.findall(lowered_before)[-2:]:
                f["pre:" + word] = 1.0
            for word in WORD_RE.findall(after.casefold())[:2]:
                f["post:" + word] = 1.0
