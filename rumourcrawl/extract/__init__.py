"""Pure extraction: HTML or text → Article → Rumour rows. Imports nothing from Scrapy."""

from .article import CleaningRules, ExtractionError, article_from_text, extract_article
from .models import Article, Rumour
from .rumours import extract_rumours

__all__ = [
    "Article",
    "CleaningRules",
    "ExtractionError",
    "Rumour",
    "article_from_text",
    "extract_article",
    "extract_rumours",
]
