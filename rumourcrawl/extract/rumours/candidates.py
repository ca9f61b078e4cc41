"""Step 1: every (person, destination) pair that could be a claim, found generously.

The rules and gazetteers of `rules.py` read the text (headline first) and give people, clubs and the
claims they are sure of; on top of those, every person named in a sentence is paired with every club
of that sentence and of its neighbours, and with no club at all (an exit or a stay). The model
(`model.py`) then decides which pairs are claims: recall here is the ceiling of the whole engine,
so `rumourcrawl eval` reports it ("candidate recall").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gazetteer import name_key
from .rules import (
    LEXICONS,
    NOT_NAME_WORDS,
    SOURCE_BEFORE_NAME_RE,
    ArticleAnalyser,
    Claim,
    Mention,
    Person,
    _fill_from_clubs,
    _merge,
)

# National sides, for coaches' appointments ("Ancelotti to Brazil"): not in the club gazetteer.
NATIONAL_TEAMS = tuple(LEXICONS["national_teams"])
NATIONAL_TEAM_RE = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in NATIONAL_TEAMS) + r")\b(?!\s+[A-Z])")
# Links end many posts ("https://t.co/1ihHPT9Ntm"): their capitals are no names.
LINK_RE = re.compile(r"(?:https?://|www\.)\S+")


@dataclass
class Candidate:
    person: Person
    to_club: str | None  # canonical club name, or None for an exit/stay with no destination
    sentences: list[int] = field(default_factory=list)  # where person and club meet (club in this sentence)
    near_sentences: list[int] = field(default_factory=list)  # club only in a neighbouring sentence
    # Sentences that name the club and no person ("The suitors include Ajax"), paired with the subject of the
    # last sentence that named someone (True) or with the text's most-named person (False).
    bare_sentences: list[tuple[int, bool]] = field(default_factory=list)
    rule_claims: list[Claim] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str | None]:
        return person_key(self.person), self.to_club


@dataclass
class Reading:
    """One text as the candidate step saw it: the analyser (sentences, people, clubs) and the candidates."""

    analyser: ArticleAnalyser
    candidates: list[Candidate]
    headline_sentences: int  # how many leading sentences are the headline (or a post's first line)
    facts: object = None  # features.SentenceFacts, set by features.sentence_facts
    person_facts: dict[int, dict[str, float]] = field(default_factory=dict)  # cache of features.person_facts
    person_base: dict[int, dict[str, float]] = field(default_factory=dict)  # cache of features._person_base
    club_context: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)  # features._club_context
    person_clubs: dict[int, tuple[int, int]] | None = None  # features._club_candidates
    sentence_words: dict[int, dict[str, float]] = field(default_factory=dict)  # features._sentence_words
    homes: dict[int, set[str]] | None = None  # features._home_clubs
    rule_links: tuple | None = None  # features.rule_links
    _person_ranks: dict[int, int] | None = None
    _club_ranks: dict[str, int] | None = None
    _mention_counts: dict[int, int] | None = None
    _mentions_by_person: dict[int, list[tuple[int, Mention]]] | None = None

    def mentions_of(self, person: Person) -> list[tuple[int, Mention]]:
        """(sentence index, mention) of every place the text names the person, in text order (indexed once:
        the person's features and the rows' official check all walk them)."""
        if self._mentions_by_person is None:
            by_person: dict[int, list[tuple[int, Mention]]] = {}
            for index, info in enumerate(self.analyser.infos):
                for mention in info.mentions:
                    by_person.setdefault(id(mention.person), []).append((index, mention))
            self._mentions_by_person = by_person
        return self._mentions_by_person.get(id(person), [])

    def mention_counts(self) -> dict[int, int]:
        """id(person) → how many times the text names them (`Person.mentions` counts only the discovery pass)."""
        if self._mention_counts is None:
            self._mention_counts = mention_counts(self.analyser)
        return self._mention_counts

    def person_ranks(self) -> dict[int, int]:
        """id(person) → rank by mentions (0 = the article's main person)."""
        if self._person_ranks is None:
            counts = self.mention_counts()
            people = sorted(self.analyser.registry.people, key=lambda p: -counts.get(id(p), 0))
            self._person_ranks = {id(p): rank for rank, p in enumerate(people)}
        return self._person_ranks

    def club_ranks(self) -> dict[str, int]:
        if self._club_ranks is None:
            clubs = sorted(self.analyser.club_counts.items(), key=lambda kv: -kv[1])
            self._club_ranks = {club: rank for rank, (club, _) in enumerate(clubs)}
        return self._club_ranks


def mention_counts(analyser: ArticleAnalyser) -> dict[int, int]:
    counts: dict[int, int] = {}
    for info in analyser.infos:
        for mention in info.mentions:
            counts[id(mention.person)] = counts.get(id(mention.person), 0) + 1
    return counts


def person_key(person: Person) -> str:
    key = name_key(person.name)
    return key[-1] if key else person.name.casefold()


def join_headline(text: str, title: str | None) -> tuple[str, bool]:
    """The headline is part of the text (GUIDE.md): its own first paragraph."""
    title = (title or "").strip()
    if not title:
        return text, False
    return f"{title}\n\n{text}", True


def read_text(
    text: str, *, title: str | None = None, published: str | None = None, outlet: str | None = None
) -> Reading:
    full, has_title = join_headline(text, title)
    analyser = ArticleAnalyser(full, title, published, outlet)
    analyser.discover()
    claims = _fill_from_clubs(_merge(analyser.extract()))
    headline = 0
    if analyser.sentences:
        first_paragraph = analyser.sentences[0].paragraph
        headline = sum(1 for s in analyser.sentences if s.paragraph == first_paragraph)
    if not has_title and headline and len(analyser.sentences[0].text) > 200:
        headline = 0  # a text that opens with a long paragraph has no headline line
    found: dict[tuple[int, str | None], Candidate] = {}

    def candidate(person: Person, club: str | None) -> Candidate:
        key = (id(person), club)
        got = found.get(key)
        if got is None:
            got = found[key] = Candidate(person, club)
        return got

    for claim in claims:
        candidate(claim.subject, claim.to_club).rule_claims.append(claim)
    infos = analyser.infos
    _add_weak_people(analyser)
    short_text = len(full) < 700  # a post: every person may go to every club named in it
    sentence_clubs = [list(dict.fromkeys(c.canonical for c in info.clubs)) for info in infos]
    for index, info in enumerate(infos):
        for match in NATIONAL_TEAM_RE.finditer(info.sentence.text):
            if match.group(0) not in sentence_clubs[index]:
                sentence_clubs[index].append(match.group(0))
    all_clubs = list(dict.fromkeys(c for clubs in sentence_clubs for c in clubs))
    story_clubs = list(dict.fromkeys(c for clubs in sentence_clubs[:headline] for c in clubs))
    story_clubs += [c for c, _ in sorted(analyser.club_counts.items(), key=lambda kv: -kv[1])[:2]]
    paragraph_clubs: dict[int, list[str]] = {}
    for info, clubs in zip(infos, sentence_clubs, strict=True):
        paragraph_clubs.setdefault(info.sentence.paragraph, []).extend(clubs)
    last_people: list[Person] = []
    # The text's most-named person: "The suitors include Ajax, PSV and Utrecht" is about them.
    counts = mention_counts(analyser)
    main_person = sorted(analyser.registry.people, key=lambda p: -counts.get(id(p), 0))[:1]
    for index, info in enumerate(infos):
        people = list({id(m.person): m.person for m in info.mentions}.values())
        clubs = sentence_clubs[index]
        if not people:
            # "The Brazilian could now be heading to Al Ettifaq": the subject of the last sentence that
            # named someone is the one meant (not whoever that sentence named last).
            for person in {id(p): p for p in last_people[:1] + main_person}.values():
                is_last = bool(last_people) and person is last_people[0]
                for club in clubs:
                    found_candidate = candidate(person, club)
                    found_candidate.near_sentences.append(index)
                    found_candidate.bare_sentences.append((index, is_last))
            continue
        last_people = people
        near = all_clubs if short_text else paragraph_clubs.get(info.sentence.paragraph, []) + story_clubs
        for person in people:
            candidate(person, None).sentences.append(index)
            for club in clubs:
                candidate(person, club).sentences.append(index)
            for club in dict.fromkeys(near):
                if club not in clubs:
                    candidate(person, club).near_sentences.append(index)
    return Reading(analyser, list(found.values()), headline, _mention_counts=counts)


def _add_weak_people(analyser: ArticleAnalyser) -> None:
    """Names the rules did not accept as people ("Saliba, Real Madrid dream target"), as people of
    unknown role: whether they move is the model's call (a weak_person feature tells it)."""
    registry = analyser.registry
    weak: dict[str, Person] = {}
    for info in analyser.infos:
        taken = [(m.start, m.end) for m in info.mentions]
        taken += [m.span() for m in LINK_RE.finditer(info.sentence.text)]
        for start, end, name in analyser.name_candidates(info.sentence.text, info.clubs):
            if any(s < end and start < e for s, e in taken):
                continue
            words = name.split()
            if len(words) > 3 or all(w.casefold() in NOT_NAME_WORDS for w in words):
                continue
            if len(words) == 1 and analyser.is_common_word(name):
                continue  # "Agreement", "Speaking": written in lower case elsewhere, never mid-sentence capital
            if SOURCE_BEFORE_NAME_RE.search(info.sentence.text, max(0, start - 20), start):
                continue  # "according to Sky Italia": who reports, not who moves (GUIDE)
            person = registry.lookup(name)
            if person is None:
                key = name_key(name)
                if not key:
                    continue
                person = weak.get(key[-1])
                if person is None:
                    person = weak[key[-1]] = Person(name, role="unknown")
                elif len(name) > len(person.name):
                    person.name = name
                person.mentions += 1
            info.mentions.append(Mention(person, start, end))
        info.mentions.sort(key=lambda m: m.start)
