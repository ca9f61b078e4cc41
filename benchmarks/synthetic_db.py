"""A realistic rumourcrawl database of any size, written through the project's own store code.

Usage: python -m benchmarks.synthetic_db PATH --articles N --rumours M [--seed S] [--batch B]

Every article goes through `store.save_article` (canonical URLs, the near-duplicate index, rumour
rows merged as the crawl merges them, outlets), in batches of B articles per transaction
(`store.WriteBatch`, as the crawl writes), and the stories, people and clubs are built at the end
by `store.refresh_stories`. Nothing is written with SQL of its own, so the file has exactly the
schema, indexes and triggers (full-text search) of a crawled database.

What it holds: N articles of 300-700 words (BBC length) whose words are drawn from the word
frequencies of the dev set's real articles (tests/eval/dev/*.txt), so the full-text index and the
file size look like real text, yet no two texts share a run of five words by more than chance, as
distinct reports do; publication and fetch dates spread over the two years before 2026-06-01;
about 50 outlets; M rumours in all (0 to twice the mean per article) about a pool of people
(about one per 25 articles, with distinct surnames, some named by surname only, as reports do) moving between the
gazetteer's best-known clubs, with stages, fees, sources, confidences and evidence sentences that
also appear in the article's text. A few per cent of articles are near copies of an earlier one
(a syndicated story with a credit line), so `duplicate_of` is used as in a real crawl.

Deterministic for a given seed. Building 200,000 articles and 1,000,000 rumours takes tens of
minutes on a 2-core machine (see benchmarks/README.md); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rumourcrawl import store
from rumourcrawl.extract.gazetteer import load_gazetteer
from rumourcrawl.extract.models import Article, Rumour

ROOT = Path(__file__).resolve().parents[1]
DEV_TEXTS = ROOT / "tests" / "eval" / "dev"
END = datetime(2026, 6, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
FIRST_NAMES = (
    "Erling Marcus Kenan Adam Igor Bruno Florian Jamal Victor Rafael Jeremie Marc Elliot Morgan Antoine Carlos "
    "Bryan Dean Joao Nico Alexander Viktor Benjamin Kobbie Anthony Giuliano Kieran Bukayo Declan Phil Jude Harry "
    "Cole Martin Gabriel William Leandro Kai Mason Reece Trent Virgil Mohamed Darwin Luis Cody Dominik Federico "
    "Lamine Pedri Gavi Jules Ronald Frenkie Robert Raphinha Dani Alvaro Rodrigo Khvicha Randal Lautaro Nicolo "
    "Hakan Davide Sandro Mattia Dusan Teun Xavi Joshua Leroy Serge Manuel Thomas Matthijs Noni Ivan Ollie Jarrod"
).split()
SURNAMES = (
    "Haaland Rashford Yildiz Wharton Thiago Fernandes Wirtz Musiala Osimhen Leao Frimpong Guehi Anderson Rogers "
    "Semenyo Baleba Mbeumo Huijsen Neves Williams Isak Gyokeres Sesko Mainoo Gordon Simeone McKenna Saka Rice "
    "Foden Bellingham Kane Palmer Odegaard Martinelli Saliba Trossard Havertz Mount James Alexander-Arnold "
    "Dijk Salah Nunez Diaz Gakpo Szoboszlai Chiesa Yamal Gonzalez Kounde Araujo Jong Lewandowski Olmo Morata "
    "Kvaratskhelia Kolo Muani Martinez Barella Calhanoglu Frattesi Tonali Zaccagni Vlahovic Koopmeiners Simons "
    "Kimmich Sane Gnabry Neuer Muller Ligt Madueke Toney Watkins Bowen Eze Olise Kudus Solanke Maddison "
    "Bissouma Sarr Tel Zirkzee Ugarte Hojlund Dorgu Cunha Bruno Enzo Caicedo Lavia Jackson Nkunku Delap Pedro "
    "Sterling Grealish Walker Stones Gvardiol Dias Kovacic Bernardo Doku Savinho Marmoush Reijnders Cherki"
).split()
SYLLABLES = "ka ro li ne mo sa ti ve da lu mi ko ra be zi no ta ga re vi so la de mu pi fo ber ste van gor".split()
KINDS = ["transfer"] * 8 + ["loan", "stay", "contract"]
STAGES = ["speculation"] * 5 + ["interest"] * 4 + ["talks"] * 3 + ["bid"] * 2 + ["agreed", "medical", "done"]
STAGES += ["denied", "collapsed"]
TEMPLATES = [
    "{club} are in talks to sign {player} from {other}, according to {source}.",
    "{club} have made a {fee} bid for {other} forward {player}.",
    "{player} has agreed personal terms with {club} ahead of a move from {other}.",
    "{other} have rejected a {fee} offer from {club} for {player}.",
    "{club} are monitoring {player} and could move for the {other} star in the summer.",
    "{source} reports that {player} wants to leave {other} for {club}.",
]


def vocabulary(seed: int) -> tuple[list[str], list[int]]:
    """Words of the dev set's real articles with their counts (the shape of English news text)."""
    counts: Counter[str] = Counter()
    for path in sorted(DEV_TEXTS.glob("*.txt")):
        counts.update(re.findall(r"[A-Za-z][A-Za-z'’-]*|\d+", path.read_text(encoding="utf-8")))
    words = sorted(counts)
    return words, [counts[w] for w in words]


class Generator:
    def __init__(self, articles: int, rumours: int, seed: int = 2026):
        self.rng = random.Random(seed)
        self.articles = articles
        self.rumours = rumours
        self.words, weights = vocabulary(seed)
        total = sum(weights)
        self.cumulative = []
        running = 0
        for weight in weights:
            running += weight
            self.cumulative.append(running / total)
        gazetteer = load_gazetteer()
        self.clubs = [c for c in gazetteer.club_country if len(c) > 3][:240]
        self.sources = sorted({(s.name, s.tier) for s in gazetteer.sources.values()})
        # Surnames as diverse as a real squad list: the known ones once each, then made-up ones
        # (a surname is what a run's story refresh is scoped by: see store/stories.py).
        people = max(50, articles // 25)
        surnames = list(SURNAMES)
        seen = set(surnames)
        while len(surnames) < people:
            made_up = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4))).capitalize()
            if made_up not in seen:
                seen.add(made_up)
                surnames.append(made_up)
        self.people = [f"{self.rng.choice(FIRST_NAMES)} {surname}" for surname in surnames[:people]]
        # Each person is linked with a few clubs: their stories.
        self.links = {p: self.rng.sample(self.clubs, 3) for p in self.people}
        self.homes = {p: self.rng.choice(self.clubs) for p in self.people}
        self.outlets = [f"Outlet {i:02d}" for i in range(50)]

    def _words(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def _prose(self, n: int) -> str:
        words = self._words(n)
        sentences, start = [], 0
        while start < len(words):
            length = self.rng.randint(12, 28)
            chunk = words[start : start + length]
            sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
            start += length
        return " ".join(sentences)

    def _rumour(self) -> tuple[Rumour, str]:
        rng = self.rng
        person = rng.choice(self.people)
        to_club = rng.choice(self.links[person])
        kind = rng.choice(KINDS)
        home = self.homes[person]
        if kind == "stay":
            to_club = home
        stage = rng.choice(STAGES)
        fee_amount = rng.choice([None, None, rng.randint(5, 150) * 1_000_000])
        currency = rng.choice(["GBP", "EUR"])
        fee = None if fee_amount is None else ("£" if currency == "GBP" else "€") + f"{fee_amount // 1_000_000}m"
        source, tier = rng.choice(self.sources) if rng.random() < 0.4 else (None, None)
        evidence = rng.choice(TEMPLATES).format(
            club=to_club, other=home, player=person, fee=fee or "an undisclosed", source=source or "reports"
        )
        subject = person.split()[-1] if rng.random() < 0.1 else person  # a surname only, now and then
        return (
            Rumour(
                subject=subject,
                from_club=None if kind == "stay" else home,
                to_club=to_club,
                kind=kind,
                stage=stage,
                fee=fee,
                fee_amount=fee_amount,
                fee_currency=currency if fee_amount else None,
                source=source,
                source_tier=tier,
                evidence=evidence,
                confidence=round(rng.uniform(0.2, 0.99), 3),
            ),
            evidence,
        )

    def articles_in_order(self):
        """(Article, fetched_at) in fetch order, oldest first."""
        rng = self.rng
        left = self.rumours
        recent: list[Article] = []
        for index in range(self.articles):
            moment = END - SPAN + SPAN * (index / max(1, self.articles)) + timedelta(minutes=rng.randint(0, 59))
            fetched_at = moment.replace(microsecond=0).isoformat()
            published = (moment - timedelta(minutes=rng.randint(5, 600))).replace(microsecond=0).isoformat()
            outlet = rng.choice(self.outlets)
            url = f"https://{outlet.lower().replace(' ', '')}.example/transfers/{index:07d}-story"
            if recent and rng.random() < 0.03:  # a syndicated copy of a recent article, with a credit line
                original = rng.choice(recent)
                article = Article(
                    url=url,
                    text=original.text + " This story was first published by a partner site.",
                    title=original.title,
                    outlet=outlet,
                    published=published,
                    language="en",
                    rumours=list(original.rumours),
                )
                yield article, fetched_at
                continue
            mean = left / max(1.0, (self.articles - index) * 0.97)  # what is left, over the originals to come
            count = min(left, round(rng.uniform(0, 2 * mean)))
            left -= count
            pairs = [self._rumour() for _ in range(count)]
            paragraphs = [self._prose(rng.randint(40, 90)) for _ in range(rng.randint(5, 8))]
            for _rumour, evidence in pairs:
                paragraphs.insert(rng.randrange(len(paragraphs) + 1), evidence)
            title = pairs[0][1].rstrip(".") if pairs else self._prose(10).rstrip(".")
            article = Article(
                url=url,
                text="\n\n".join(paragraphs),
                title=title[:120],
                author=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                outlet=outlet,
                published=published,
                language="en",
                fetched_url=url,
                rumours=[r for r, _e in pairs],
            )
            recent = (recent + [article])[-50:]
            yield article, fetched_at


CHUNK = 250  # articles per message from the generating process


def _generate(queue, articles: int, rumours: int, seed: int) -> None:
    """In a second process: the articles in order, each with its MinHash signature (the store's own
    function, handed to save_article as the dedupe pipeline hands it), so both cores work."""
    chunk = []
    for article, fetched_at in Generator(articles, rumours, seed).articles_in_order():
        chunk.append((article, fetched_at, store.minhash(store.shingles(article.text))))
        if len(chunk) == CHUNK:
            queue.put(chunk)
            chunk = []
    queue.put(chunk)
    queue.put(None)


def _generated(articles: int, rumours: int, seed: int):
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=16)
    process = context.Process(target=_generate, args=(queue, articles, rumours, seed), daemon=True)
    process.start()
    try:
        while (chunk := queue.get()) is not None:
            yield from chunk
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()


def build(path: str | Path, articles: int, rumours: int, seed: int = 2026, batch: int = 2000, quiet=False) -> dict:
    """Write the database at `path` (which must not exist); returns its row counts and build time."""
    path = Path(path)
    if path.exists():
        raise SystemExit(f"{path} exists: give a new path")
    start = time.perf_counter()
    db = store.open_db(path)
    writes = store.WriteBatch(db, items=batch, seconds=3600)
    stored_rumours = 0
    for done, (article, fetched_at, signature) in enumerate(_generated(articles, rumours, seed), 1):
        writes.begin()
        result = store.save_article(db, article, site=article.outlet, fetched_at=fetched_at, signature=signature)
        stored_rumours += result.rumours_inserted
        writes.wrote()
        if writes.due():
            writes.commit()
            if not quiet:
                rate = done / (time.perf_counter() - start)
                print(f"{done:>9,} articles, {stored_rumours:>10,} rumours, {rate:6.0f} articles/s", file=sys.stderr)
    writes.commit()
    stories_start = time.perf_counter()
    stories = store.refresh_stories(db)
    stories_seconds = time.perf_counter() - stories_start
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    figures = store.counts(path)
    figures |= {
        "seconds": round(time.perf_counter() - start, 1),
        "stories_seconds": round(stories_seconds, 1),
        "stories_reported": stories["stories"],
    }
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic_db", description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--rumours", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=2000, help="articles per transaction")
    args = parser.parse_args(argv)
    figures = build(args.path, args.articles, args.rumours, args.seed, args.batch)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
