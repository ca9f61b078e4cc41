"""Spiders: the generic `news` spider and one spider per configured outlet (see sites.py)."""
