"""The SQLite database: the only package that writes SQL. One module per concern:

- schema.py      tables, migrations (the one owner of the schema), open_db, write transactions
- articles.py    saving an article with its rumours, forgetting or moving one, stored HTML
- duplicates.py  shingles, MinHash signatures and the LSH index that finds an article's original
- stories.py     stories, people and clubs rebuilt from the rumours (all, or the people a run touched)
- runs.py        crawl_runs rows and the incremental state of crawls (stored URLs, feeds, listed URLs)

`from rumourcrawl import store` then `store.save_article(...)` etc.: the public names are here.
"""

from rumourcrawl.store.articles import (
    CANONICAL_CONFLICT_JACCARD,
    STAGE_RANK,
    SaveResult,
    compress_html,
    decompress_html,
    forget_article,
    save_article,
    stored_pages,
)
from rumourcrawl.store.duplicates import (
    LSH_BANDS,
    LSH_ROWS,
    MINHASH_MARGIN,
    MINHASH_PERMUTATIONS,
    NEAR_DUPLICATE_JACCARD,
    SHINGLE_WORDS,
    band_keys,
    find_original,
    jaccard,
    minhash,
    minhash_similarity,
    rebuild_index,
    shingles,
)
from rumourcrawl.store.runs import _process_alive as _process_alive
from rumourcrawl.store.runs import (
    crawl_run_counts,
    feed_validators,
    finish_crawl_run,
    listed_urls,
    save_feed_states,
    save_listed_urls,
    start_crawl_run,
    stored_articles,
)
from rumourcrawl.store.schema import (
    ARTICLE_COLUMNS,
    CRAWL_RUN_COLUMNS,
    MIGRATIONS,
    RUMOUR_COLUMNS,
    SCHEMA_VERSION,
    SchemaTooNewError,
    WriteBatch,
    check_schema_version,
    counts,
    migrate,
    open_db,
    utc_now,
    write_transaction,
)
from rumourcrawl.store.schema import _migrate_1 as _migrate_1
from rumourcrawl.store.stories import _story_person_keys as _story_person_keys
from rumourcrawl.store.stories import next_stage, refresh_stories

__all__ = [
    "ARTICLE_COLUMNS",
    "CANONICAL_CONFLICT_JACCARD",
    "CRAWL_RUN_COLUMNS",
    "LSH_BANDS",
    "LSH_ROWS",
    "MIGRATIONS",
    "MINHASH_MARGIN",
    "MINHASH_PERMUTATIONS",
    "NEAR_DUPLICATE_JACCARD",
    "RUMOUR_COLUMNS",
    "SCHEMA_VERSION",
    "SHINGLE_WORDS",
    "STAGE_RANK",
    "SaveResult",
    "SchemaTooNewError",
    "WriteBatch",
    "band_keys",
    "check_schema_version",
    "compress_html",
    "counts",
    "crawl_run_counts",
    "decompress_html",
    "feed_validators",
    "find_original",
    "finish_crawl_run",
    "forget_article",
    "jaccard",
    "listed_urls",
    "migrate",
    "minhash",
    "minhash_similarity",
    "next_stage",
    "open_db",
    "rebuild_index",
    "refresh_stories",
    "save_article",
    "save_feed_states",
    "save_listed_urls",
    "shingles",
    "start_crawl_run",
    "stored_articles",
    "stored_pages",
    "utc_now",
    "write_transaction",
]
