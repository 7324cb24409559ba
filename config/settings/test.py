"""Tests: real PostgreSQL and a Redis server owned by the test run (tests/conftest.py starts it)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only"
DEBUG = False
DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/pozytek"),
}
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6390/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 30,
    "socket_connect_timeout": 1,
    "socket_timeout": 3,
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 1,
    "max_retries": 0,
}
# Seconds between delivery attempts, shortened for the worker processes of the fault tests (production:
# notifications.services.RETRY_DELAYS); all below the visibility timeout above.
CELERY_TASK_ANNOTATIONS = {
    "notifications.tasks.deliver_outbox_message": {"retry_delays": [1, 2, 4, 8]},
    "notifications.tasks.deliver_outbox_messages": {"retry_delays": [1, 2, 4, 8]},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("EMAIL_PORT", default=2525)
EMAIL_TIMEOUT = 5
OUTBOX_SWEEP_AFTER_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "pl"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
