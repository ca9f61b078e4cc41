"""Scrapy settings: polite defaults for news sites. Override any of them with `-s NAME=VALUE`."""

from rumourcrawl import __version__
from rumourcrawl.paths import default_db

BOT_NAME = "rumourcrawl"
SPIDER_MODULES = ["rumourcrawl.spiders"]
NEWSPIDER_MODULE = "rumourcrawl.spiders"

# Where articles and rumours go: the environment variable RUMOURCRAWL_DB, else data/rumours.db in a
# checkout, else rumours.db in the per-user data folder (see rumourcrawl/paths.py). A relative path
# given with -s is relative to the working directory. The lock, crawl.log and jobs/ go beside it.
RUMOURCRAWL_DB = str(default_db())
# Who to contact about this crawler; shown in the User-Agent so site owners can reach a person.
RUMOURCRAWL_CONTACT = "https://github.com/rumourcrawl/rumourcrawl"
# Fetch article URLs that are already stored again (normally they are skipped).
RUMOURCRAWL_REFETCH = False
# Keep each article's raw HTML (zlib-compressed) so `rumourcrawl reextract` can rebuild every
# derived row after the cleaning or rumour rules improve, without recrawling.
RUMOURCRAWL_STORE_HTML = False
# Articles are written in batches: one transaction per this many articles or seconds, whichever
# comes first (each article lands whole with its rumours; a kill loses the open batch, which the
# next run fetches again). 1 commits each article at once.
RUMOURCRAWL_STORE_BATCH_ITEMS = 100
RUMOURCRAWL_STORE_BATCH_SECONDS = 2.0
# At the end of a run, stories are refreshed for the people the run wrote about; True rebuilds all.
RUMOURCRAWL_REBUILD_STORIES = False
# At most this many article pages per site per run (0 = no cap).
RUMOURCRAWL_MAX_ARTICLES = 500
# Worker processes for the CPU-heavy part of the crawl (cleaning, rumours, the MinHash), so it runs
# beside the fetching and the writes: unset = one per core; 0 = none, all in the crawl's own
# process (easier to debug).
RUMOURCRAWL_EXTRACT_WORKERS = None
# A listed URL that gave no article (not an article page, 404/410, too large…) is tried again
# only after this many days (0: every run), so a busy feed does not cost the same dead requests every run.
RUMOURCRAWL_RECHECK_DAYS = 7

# The spider rebuilds this from RUMOURCRAWL_CONTACT when that is overridden (unless USER_AGENT is, too).
USER_AGENT = f"rumourcrawl/{__version__} (football transfer-news research crawler; +{RUMOURCRAWL_CONTACT})"
ROBOTSTXT_OBEY = True
# The token site owners write in robots.txt to address this crawler.
ROBOTSTXT_USER_AGENT = "rumourcrawl"
# Where interrupted crawls keep their queue (Scrapy's JOBDIR, one folder per spider); empty = "jobs"
# beside the database. A crawl stopped cleanly (Ctrl-C, SIGTERM) resumes from it on the next run.
RUMOURCRAWL_JOBS_DIR = ""
RUMOURCRAWL_RESUME = True
# A server's Retry-After (429/503) slows the site down by at most this many seconds between requests.
RUMOURCRAWL_RETRY_AFTER_MAX = 120

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # a news page over 10 MB is not a news page
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # an unattended crawler opens no listening ports

DOWNLOADER_MIDDLEWARES = {
    # On responses, higher numbers run first: each sees the response before the Scrapy middleware
    # whose silence it fixes (redirect 600, HTTP compression 590, retry 550).
    "rumourcrawl.middlewares.RedirectLoopMiddleware": 650,
    "rumourcrawl.middlewares.TruncatedGzipMiddleware": 595,
    "rumourcrawl.middlewares.RetryAfterMiddleware": 560,
}

# A live progress line on the terminal; `rumourcrawl crawl` turns it on when stderr is a terminal.
RUMOURCRAWL_PROGRESS = False
EXTENSIONS = {"rumourcrawl.extensions.ProgressLine": 500}

ITEM_PIPELINES = {
    "rumourcrawl.pipelines.CleanPipeline": 100,
    "rumourcrawl.pipelines.RumourPipeline": 200,
    "rumourcrawl.pipelines.DedupePipeline": 300,
    "rumourcrawl.pipelines.StorePipeline": 400,
}

# Distributed crawling (the `distributed` extra): set REDIS_URL (`rumourcrawl crawl --redis URL`, or
# `scrapy crawl SITE -s REDIS_URL=…`) and this add-on switches the scheduler to scrapy-redis and the
# store pipeline to a Redis stream that `rumourcrawl drain` writes into SQLite. See the README.
REDIS_URL = ""
RUMOURCRAWL_REDIS_PREFIX = "rumourcrawl"
# A crawler process silent for this long is taken for dead: its requests in hand go back to the queue.
RUMOURCRAWL_REDIS_WORKER_TTL = 30
ADDONS = {"rumourcrawl.distributed.DistributedAddon": 0}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
