"""Local development: the embedded default (SQLite, in-process tasks, e-mail to files under var/)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
if not env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
