"""A generated news site for crawl-scale tests and benchmarks, and a throwaway redis-server.

`build_site(folder, pages)` writes `pages` article pages of varied text (seeded, so every build is
the same) behind a sitemap index of 100-URL sitemaps, for SnapshotServer to serve on loopback.
`RedisServer` starts Debian's redis-server on a free loopback port in a temporary folder, with
no persistence, and stops it on exit.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PLAYERS = [
    "Erling Haaland",
    "Marcus Rashford",
    "Kenan Yildiz",
    "Adam Wharton",
    "Igor Thiago",
    "Bruno Fernandes",
    "Florian Wirtz",
    "Jamal Musiala",
    "Victor Osimhen",
    "Rafael Leao",
    "Khvicha Kvaratskhelia",
    "Jeremie Frimpong",
    "Marc Guehi",
    "Elliot Anderson",
    "Morgan Rogers",
    "Antoine Semenyo",
    "Carlos Baleba",
    "Bryan Mbeumo",
    "Dean Huijsen",
    "Joao Neves",
    "Nico Williams",
    "Alexander Isak",
    "Viktor Gyokeres",
    "Benjamin Sesko",
]
CLUBS = [
    "Arsenal",
    "Chelsea",
    "Liverpool",
    "Real Madrid",
    "Barcelona",
    "Bayern Munich",
    "Juventus",
    "Manchester United",
    "Manchester City",
    "Tottenham",
    "Newcastle",
    "Aston Villa",
    "Paris Saint-Germain",
    "Inter Milan",
    "AC Milan",
    "Atletico Madrid",
    "Borussia Dortmund",
    "Napoli",
    "Brighton",
    "Crystal Palace",
]
RUMOURS = [
    "{club} are in talks to sign {player} from {other}, according to reports in {city}.",
    "{club} have made a £{fee}m bid for {other} forward {player}.",
    "{player} has agreed personal terms with {club} ahead of a move from {other}.",
    "{other} have rejected a €{fee}m offer from {club} for {player}.",
    "{club} are monitoring {player} and could move for the {other} star in the summer.",
]
FILLER = [
    "The {adj} {role} scored {n} goals in {m} appearances last season.",
    "Supporters in {city} were {adj} after the draw on {day}.",
    "The manager said on {day} that the squad needed {n} new faces before the window closed.",
    "Scouts watched the {adj} {role} against {other} at the weekend.",
    "A fee of around £{fee}m has been mentioned, with add-ons worth a further £{n}m.",
    "The deal would be the {adj} signing of the window if it goes through before {day}.",
    "Training resumed on {day} with {n} players still missing through injury.",
    "Club officials met agents in {city} for {n} hours of talks.",
]
WORDS = {
    "adj": ["versatile", "prolific", "influential", "young", "experienced", "quick", "tireless", "composed"],
    "role": ["forward", "midfielder", "defender", "winger", "full-back", "playmaker"],
    "city": ["London", "Madrid", "Milan", "Munich", "Manchester", "Paris", "Turin", "Lisbon", "Dortmund"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
EPOCH = datetime(2023, 1, 1, 8, tzinfo=UTC)
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} – The Loopback Post</title>
<link rel="canonical" href="https://loopbackpost.example/transfers/{slug}">
<meta property="og:site_name" content="The Loopback Post">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{author}">
</head><body>
<header><a href="/">The Loopback Post</a> <nav><a href="/transfers/">Transfers</a></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By {author}</p>
{paragraphs}
</article></main>
<footer>© The Loopback Post. <a href="/about.html">About us</a></footer>
</body></html>
"""


def _sentence(rng: random.Random, template: str) -> str:
    player = rng.choice(PLAYERS)
    club, other = rng.sample(CLUBS, 2)
    values = {k: rng.choice(v) for k, v in WORDS.items()}
    return template.format(
        player=player,
        club=club,
        other=other,
        fee=rng.randint(10, 120),
        n=rng.randint(2, 40),
        m=rng.randint(20, 60),
        **values,
    )


def article_path(index: int) -> str:
    return f"transfers/story-{index:05d}.html"


def build_site(folder: Path, pages: int, seed: int = 12) -> list[str]:
    """Write the site; return the article paths (as the server logs them, with a leading slash)."""
    rng = random.Random(seed)
    (folder / "transfers").mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(pages):
        paragraphs = []
        for _ in range(3):  # short pages: the tests crawl a thousand of them on a shared 2-core machine
            templates = [rng.choice(RUMOURS), rng.choice(FILLER)]
            rng.shuffle(templates)
            paragraphs.append("<p>" + " ".join(_sentence(rng, t) for t in templates) + "</p>")
        title = _sentence(rng, rng.choice(RUMOURS)).rstrip(".")
        html = PAGE.format(
            title=title,
            slug=f"story-{index:05d}",
            # a day apart: the near-duplicate check compares articles published within a week
            published=(EPOCH + timedelta(days=index, minutes=index % 600)).isoformat(),
            author=rng.choice(["Sam", "Alex", "Jo", "Chris", "Kim"]) + " " + rng.choice(["Reed", "Hart", "Cole"]),
            paragraphs="\n".join(paragraphs),
        )
        (folder / article_path(index)).write_text(html, encoding="utf-8")
        paths.append("/" + article_path(index))
    children = []
    for start in range(0, pages, 100):
        name = f"sitemap-{start // 100:03d}.xml"
        entries = "".join(
            f"<url><loc>{{{{BASE}}}}/{article_path(i)}</loc></url>\n" for i in range(start, min(start + 100, pages))
        )
        (folder / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n',
            encoding="utf-8",
        )
        children.append(name)
    index_entries = "".join(f"<sitemap><loc>{{{{BASE}}}}/{name}</loc></sitemap>\n" for name in children)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index_entries}</sitemapindex>\n',
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths


def unthrottled(per_domain: int = 16, **settings) -> list[str]:
    """Crawl arguments for a loopback site (benchmarks): no politeness delay, no throttle, no retries,
    `per_domain` requests at once; `settings` add or override (`LOG_LEVEL="ERROR"`)."""
    chosen = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        **settings,
    }
    return [arg for name, value in chosen.items() for arg in ("-s", f"{name}={value}")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server` on a free loopback port, no persistence, in `folder`; a context manager."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server; .ci/run does it)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
        return self

    def client(self):
        import redis

        return redis.Redis(port=self.port)

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
