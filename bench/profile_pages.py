"""Where one request's time goes, in process: connecting to PostgreSQL, SQL, template/JSON rendering, the rest.

Runs on the database bench/public_pages.py seeded, through Django's test client (all middleware, no HTTP
server), one request at a time. bench/public_pages.py runs it with ``--profile``; on its own::

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.profile_pages / /calls/6/ /api/v1/calls/
"""

import os
import sys
import time
from contextlib import contextmanager

REQUESTS = 20


@contextmanager
def timed(cls, method, totals, key):
    """Add the time spent in ``cls.method`` to ``totals[key]`` while inside the block."""
    original = getattr(cls, method)

    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - began

    setattr(cls, method, wrapper)
    try:
        yield
    finally:
        setattr(cls, method, original)


def profile(paths, requests=REQUESTS):
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.template.backends.django import Template
    from django.test import Client
    from rest_framework.renderers import JSONRenderer

    client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="pl")
    conn_max_age = connection.settings_dict["CONN_MAX_AGE"]
    print(f"in-process, {requests} requests each, CONN_MAX_AGE={conn_max_age} (mean per request)")
    header = f"{'path':<22} {'total ms':>9} {'connect':>8} {'queries':>8} {'SQL ms':>7} {'render':>7} {'other':>7}"
    print(header)
    print("-" * len(header))
    connection.force_debug_cursor = True  # record the queries and their times
    for path in paths:
        for _ in range(3):
            client.get(path)
        totals = {"connect": 0.0, "render": 0.0}
        total = sql = 0.0
        queries = 0
        with (
            timed(BaseDatabaseWrapper, "connect", totals, "connect"),
            timed(Template, "render", totals, "render"),
            timed(JSONRenderer, "render", totals, "render"),
        ):
            for _ in range(requests):
                connection.queries_log.clear()
                began = time.perf_counter()
                response = client.get(path)
                # What the server does when a request finishes (the test client skips it): with CONN_MAX_AGE=0,
                # close the connection, so that the next request connects again.
                connection.close_if_unusable_or_obsolete()
                total += time.perf_counter() - began
                queries = len(connection.queries_log)
                sql += sum(float(q["time"]) for q in connection.queries_log)
        if response.status_code != 200:
            print(f"{path:<22} answered {response.status_code}")
            continue
        other = total - totals["connect"] - sql - totals["render"]
        ms = [v / requests * 1000 for v in (total, totals["connect"])]
        print(
            f"{path:<22} {ms[0]:>9.1f} {ms[1]:>8.1f} {queries:>8} {sql / requests * 1000:>7.1f} "
            f"{totals['render'] / requests * 1000:>7.1f} {other / requests * 1000:>7.1f}"
        )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    profile(sys.argv[1:] or ["/__bench__/bare/", "/"])


if __name__ == "__main__":
    main()
