"""One URL per article: fold the variants under which news sites serve the same page."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that track a click or select a rendering, never a different article.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ito|ico|cmpid|cmp|ns_mchannel|ns_source|"
    r"ns_campaign|ns_linkname|ns_fee|ref|ref_src|src|share|sharetype|amp|outputtype|_ga|at_medium|at_campaign|"
    r"guccounter|soc_src|soc_trk|xtor|int_source|int_medium|int_campaign)$",
    re.IGNORECASE,
)
# Host prefixes of the same site's mobile and AMP editions.
HOST_VARIANTS = re.compile(r"^(www\d*|m|mobile|amp)\.", re.IGNORECASE)
# AMP editions as a path: /amp, /amp/, /amp.html, .amp or /amp/<path>.
AMP_PATH_SUFFIX = re.compile(r"(/amp/?|\.amp(?=\.html?$|$)|/amp\.html)$", re.IGNORECASE)
AMP_PATH_PREFIX = re.compile(r"^/amp(?=/)", re.IGNORECASE)


def _is_local(host: str) -> bool:
    """Loopback and bare IP hosts (test servers, the demo) do not speak TLS by default."""
    if host in ("localhost",) or "." not in host:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def canonical_url(url: str | None) -> str | None:
    """The identity of an article's URL: https, no www/m/amp host, no tracking query, no AMP path,
    no fragment, no trailing slash ("http://m.site.com/news/x/amp/?utm_source=tw" → "https://site.com/news/x").

    Non-http(s), malformed or empty input is returned as it came (with surrounding space removed).
    """
    if not url or not url.strip():
        return url
    url = url.strip()
    try:
        url = safe_url_string(url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "host:abc", a port over 65535, a broken IPv6 literal: nothing to fold
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    default_port = port is None or port in (80, 443)
    if not _is_local(host):
        if default_port:  # a site on an explicit other port may not speak https there
            scheme = "https"
        variant = HOST_VARIANTS.match(host)
        if variant and "." in host[variant.end() :]:  # "m.site.com" → "site.com", but "amp.dev" stays
            host = host[variant.end() :]
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = AMP_PATH_PREFIX.sub("", parts.path) or "/"
    path = AMP_PATH_SUFFIX.sub("", path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    )
    return urlunsplit((scheme, netloc, path, query, ""))
