"""Settings shared by every environment. Values come from environment variables (django-environ)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "core",
    "organisations",
    "accounts",
    "calls",
    "applications",
    "notifications",
    "evaluation",
    "subscriptions",
    "agreements",
    "reporting",
    "smallgrants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'pozytek.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Polish first, English available. Times stored in UTC, shown and reasoned about in Europe/Warsaw.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Never routed: every stored file is served by a view that checks permissions. (A non-empty
# prefix, because Django's test live server cannot start with MEDIA_URL = None.)
MEDIA_URL = "/private-media-not-served/"
# Largest offer attachment accepted (bytes); the web server's body limit should be a little above it.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Centrum Organizacji Pozarządowych <cop@pozytek.local>")
MESSAGE_ID_DOMAIN = env("MESSAGE_ID_DOMAIN", default="pozytek.local")

# The authority that runs the programme (shown on documents).
AUTHORITY_NAME = env("AUTHORITY_NAME", default="Prezydent Miasta Zabrze")
# Open data (360Giving): the prefix of grant identifiers and the funder's identifier and name.
OPEN_DATA_PREFIX = env("OPEN_DATA_PREFIX", default="360G-pozytek-")
FUNDER_ID = env("FUNDER_ID", default="")  # e.g. PL-REGON-<the city's REGON>
FUNDER_NAME = env("FUNDER_NAME", default="")  # empty: AUTHORITY_NAME
AUTHORITY_OFFICE = env("AUTHORITY_OFFICE", default="Urząd Miejski w Zabrzu, Centrum Organizacji Pozarządowych")

# Cache (public pages): Redis when configured, so every web process sees the same invalidation.
CACHE_URL = env("CACHE_URL", default=env("REDIS_URL", default=""))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A dead cache must cost milliseconds, not seconds: pages then render without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: at-least-once delivery (see docs/operations.md and ../shared/research/dependencies.md §3).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# Keep a worker's database connection across tasks (Celery closes it after each task otherwise: a new
# PostgreSQL connection per batch of notices); Django's own checks still drop an unusable one.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,  # above every retry delay (the longest is 30 min)
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Publishing does not keep retrying a dead broker (the outbox keeps the notice for the sweeper);
    # without this kombu retries the connection for seconds per notice inside the request.
    "max_retries": 0,
}
# Publishing from a web request must fail fast when Redis is down: the outbox keeps the notice.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "close-calls-at-deadline": {"task": "calls.tasks.close_due_calls", "schedule": crontab()},
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Hourly in office hours; each member gets at most one reminder a day (the outbox's dedupe key).
    "remind-committee-scoring": {
        "task": "evaluation.tasks.remind_scoring",
        "schedule": crontab(minute=15, hour="8-16"),
    },
    # Every quarter of an hour; each draft offer's members are reminded once (the outbox's dedupe key).
    "remind-offer-deadlines": {"task": "calls.tasks.remind_offer_deadlines", "schedule": crontab(minute="*/15")},
    # Every quarter of an hour: small grants whose comment period ended (art. 19a ust. 4).
    "close-small-grant-comments": {
        "task": "smallgrants.tasks.close_due_comments",
        "schedule": crontab(minute="*/15"),
    },
    # Daily; each report and each return of funds is reminded once per kind (the outbox's dedupe key).
    "remind-reports": {"task": "reporting.tasks.remind_reports", "schedule": crontab(minute=0, hour=8)},
    # Daily; each official is reminded once per programme (the outbox's dedupe key).
    "remind-programme-report": {
        "task": "reporting.annual_tasks.remind_programme_report",
        "schedule": crontab(minute=0, hour=8),
    },
}
# The worker autodiscovers only ``tasks`` modules.
CELERY_IMPORTS = ["reporting.annual_tasks"]
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pozytek API",
    "DESCRIPTION": "Public tasks, calls and grants of the city's cooperation programme.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CancellationGroundEnum": "calls.enums.CancellationGround",
        "AttachmentKindEnum": "applications.enums.AttachmentKind",
        "ReportKindEnum": "reporting.enums.ReportKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
