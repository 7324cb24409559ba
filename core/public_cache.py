"""A cache of whole public pages for anonymous visitors, invalidated by any change to what they show.

Every change to a model that public pages display bumps one version number (signals, connected in
``CallsConfig.ready``); cached pages are keyed by that version, the path and the language, so a
change is visible at once on every server process sharing the cache (Redis in production).
A page may also say how long it stays true at most (e.g. until the next offer deadline).
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "public-pages:version"
MAX_AGE = 60  # seconds; also bounds how stale a "time left" text can be


def bump_version(**kwargs):
    """Signal receiver: something public pages show has changed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(VERSION_KEY, 1, timeout=None)


def _cacheable(request):
    # Only visitors without a session or pending messages get the shared page: everyone else may
    # see their own name, drafts or a message.
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(view):
    """Serve ``view``'s page from the cache to anonymous visitors.

    The view may set ``response.cache_seconds`` to shorten the page's life below ``MAX_AGE``.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = f"public-pages:{translation.get_language()}:{request.get_full_path()}"
        # One round trip: the current version and the stored page, valid only if made at that version.
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY, 1)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return HttpResponse(stored[1])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            seconds = max(1, min(MAX_AGE, getattr(response, "cache_seconds", MAX_AGE)))
            # Stored with the version read before rendering: a change meanwhile makes it stale at once.
            cache.set(key, (version, response.content), timeout=seconds)
        return response

    return wrapper
