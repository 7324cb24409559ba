"""A cache of whole public pages for anonymous visitors, invalidated by any change to what they show.

Every committed change to a model that public pages display bumps one version number (signals,
connected in ``CallsConfig.ready``, acting on commit); cached pages are stored with the version
they were rendered at and served only while it is current, so a change is visible at once on every
server process sharing the cache (Redis in production). A page may also say how long it stays
true at most (e.g. until the next offer deadline). The cache fails open: when it is unreachable,
pages are rendered as if there were no cache, and no write ever fails because of it.
"""

import logging
import time
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
MAX_AGE = 60  # seconds; also bounds how stale a "time left" text can be


def _bump():
    try:
        # A fresh, never-reused number: a version key lost to eviction cannot revive old pages.
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a committed change
        logger.warning("Could not refresh the public-page cache version.", exc_info=True)


def bump_version(**kwargs):
    """Signal receiver: something public pages show has changed (takes effect on commit)."""
    transaction.on_commit(_bump, robust=True)


def _cacheable(request):
    # Only visitors without a session or pending messages get the shared page: everyone else may
    # see their own name, drafts or a message.
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(view=None, *, query_params=()):
    """Serve ``view``'s page from the cache to anonymous visitors.

    Only the listed ``query_params`` are part of the key (others cannot flood the cache). The view
    may set ``response.cache_seconds`` to shorten the page's life below ``MAX_AGE``.
    """
    if view is None:
        return partial(public_page, query_params=query_params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        params = "&".join(f"{p}={request.GET.get(p, '')}" for p in query_params)
        key = f"public-pages:{translation.get_language()}:{request.path}?{params}"
        try:
            found = cache.get_many([VERSION_KEY, key])  # one round trip
            version = found.get(VERSION_KEY)
            if version is None:
                version = time.time_ns()
                cache.add(VERSION_KEY, version, timeout=None)
                version = cache.get(VERSION_KEY, version)
        except Exception:  # noqa: BLE001 - fail open
            logger.warning("Public-page cache unreachable; rendering without it.", exc_info=True)
            return view(request, *args, **kwargs)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return HttpResponse(stored[1])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            seconds = max(1, min(MAX_AGE, getattr(response, "cache_seconds", MAX_AGE)))
            try:
                # Stored with the version read before rendering: a change meanwhile makes it stale at once.
                cache.set(key, (version, response.content), timeout=seconds)
            except Exception:  # noqa: BLE001 - fail open
                logger.warning("Could not store a public page in the cache.", exc_info=True)
        return response

    return wrapper
