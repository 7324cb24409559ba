"""Settings for the benchmark (bench/public_pages.py): the local settings on PostgreSQL with DEBUG off.

The database comes from ``BENCH_DATABASE_URL`` (not ``DATABASE_URL``, so a developer's own database is
never the one the benchmark drops and recreates). Uploaded files and collected static files go under
``var/bench/``, apart from the development ones.
"""

from config.settings.local import *  # noqa: F403
from config.settings.local import VAR_DIR, env

DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pozytek_bench"

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

DATABASES = {"default": env.db("BENCH_DATABASE_URL", default=DEFAULT_BENCH_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)  # as in production; ?conn_max_age=0 in the URL to measure without

BENCH_DIR = VAR_DIR / "bench"
STATIC_ROOT = BENCH_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = BENCH_DIR / "media"

# As in production (`make up`): the public-page cache in Redis, shared by the gunicorn workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("BENCH_CACHE_URL", default="redis://127.0.0.1:6379/5"),
    }
}
