"""Settings for the example shop.

Defaults run everything on one machine with no services: SQLite and django-q2's ORM broker,
talking to the fake Fiken that ``demo.py`` starts. Environment variables switch each part:

- ``DEMO_DB=postgres``: PostgreSQL from the libpq variables ``PGHOST`` (127.0.0.1), ``PGPORT``
  (5432), ``PGUSER`` (postgres), ``PGPASSWORD``, and ``DEMO_PGDATABASE`` (``fiken_demo``).
- ``DEMO_BROKER=redis``: django-q2 on Redis and the limiter lock in a Redis cache, at
  ``REDIS_URL`` (``redis://127.0.0.1:6379/0``).
- ``DEMO_DATA_DIR``: where the SQLite file lives (``example_project/.demo``).
- ``FIKEN_BASE_URL``, ``FIKEN_API_TOKEN``, ``FIKEN_COMPANY_SLUG``: which Fiken to talk to. Point
  them at https://api.fiken.no/api/v2 and a real personal token to use real Fiken.
- ``FIKEN_OAUTH_URL``, ``FIKEN_OAUTH_CLIENT_ID``, ``FIKEN_OAUTH_CLIENT_SECRET``: the OAuth2
  server (``https://fiken.no/oauth`` for real Fiken) and the client registered with it.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR", BASE_DIR / ".demo"))

# Demo only: the example shop is never deployed. A real project reads its key from the environment.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-shop-demo-only-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "Europe/Oslo"
LANGUAGE_CODE = "en"
ROOT_URLCONF = "example_project.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django_q",
    "django_fiken",
    "example_project.shop",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

if os.environ.get("DEMO_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "NAME": os.environ.get("DEMO_PGDATABASE", "fiken_demo"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "shop.sqlite3"),
            # Several processes (runserver, qcluster workers) write: WAL lets readers go on while
            # one writes, IMMEDIATE takes the write lock up front instead of failing mid-way.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# The limiter's per-token lock must be shared by every process that calls Fiken.
if os.environ.get("DEMO_BROKER") == "redis":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "example_shop_cache",
        }
    }

Q_CLUSTER: dict = {
    "name": "example_shop",
    "workers": 2,
    "timeout": 120,
    "retry": 180,
    "catch_up": False,
    "poll": 0.5,
    "label": "Django Q2",
}
if os.environ.get("DEMO_BROKER") == "redis":
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# allauth: local accounts with username or email; Fiken is connected to an account, not a login.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SOCIALACCOUNT_STORE_TOKENS = True

FIKEN_OAUTH_URL = os.environ.get("FIKEN_OAUTH_URL", "http://127.0.0.1:8100/oauth")
SOCIALACCOUNT_PROVIDERS = {
    "fiken": {
        "APPS": [
            {
                "client_id": os.environ.get("FIKEN_OAUTH_CLIENT_ID", "example-shop"),
                # Demo only: the fake Fiken accepts this; real Fiken gives you your own.
                "secret": os.environ.get("FIKEN_OAUTH_CLIENT_SECRET", "example-shop-demo-secret"),
            }
        ]
    }
}

FIKEN = {
    "BASE_URL": os.environ.get("FIKEN_BASE_URL", "http://127.0.0.1:8100/api/v2"),
    # Demo only: a token the fake Fiken knows; real Fiken needs your company's personal token.
    "API_TOKEN": os.environ.get("FIKEN_API_TOKEN", "demo-personal-token"),
    "COMPANY_SLUG": os.environ.get("FIKEN_COMPANY_SLUG", "fiken-demo-as"),
    "DEFAULT_BANK_ACCOUNT": os.environ.get("FIKEN_BANK_ACCOUNT", "1920:10001"),
    "OAUTH": {
        "AUTHORIZE_URL": f"{FIKEN_OAUTH_URL}/authorize",
        "TOKEN_URL": f"{FIKEN_OAUTH_URL}/token",
        "REVOKE_URL": f"{FIKEN_OAUTH_URL}/revoke",
    },
    "OPENAPI_SPEC": os.environ.get(
        "FIKEN_OPENAPI_SPEC", str(REPO_DIR.parent / "shared" / "fiken" / "openapi.yaml")
    ),
    "PULL": {"INTERVAL_MINUTES": int(os.environ.get("FIKEN_PULL_MINUTES", "1"))},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"short": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "short"}},
    "loggers": {
        "django_fiken": {"handlers": ["console"], "level": "INFO"},
        "example_project": {"handlers": ["console"], "level": "INFO"},
    },
}
