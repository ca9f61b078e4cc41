"""One spider class per TOML file in rumourcrawl/sites/, so `scrapy list` shows every outlet."""

from rumourcrawl.sites import all_sites
from rumourcrawl.spiders.news import NewsSpider


def _spider_for(site):
    return type(
        f"{site.name.title().replace('_', '')}Spider",
        (NewsSpider,),
        {"name": site.name, "site": site, "__module__": __name__, "__doc__": f"Crawls {site.outlet or site.name}."},
    )


for _site in all_sites().values():
    _spider = _spider_for(_site)
    globals()[_spider.__name__] = _spider
del _site, _spider  # only the named classes should be found by Scrapy's spider loader
