"""Settings for django-fiken's own test suite.

The database is SQLite unless ``DATABASE_URL``-style variables say PostgreSQL:
``FIKEN_TEST_DB=postgres`` uses 127.0.0.1:5432, database ``test`` (trust auth).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Europe/Oslo"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.urls"
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
    "tests.testapp",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

if os.environ.get("FIKEN_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "NAME": os.environ.get("PGDATABASE", "test"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "TEST": {"NAME": os.environ.get("FIKEN_TEST_DB_NAME", "test_django_fiken")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "test.sqlite3"),
            # Override per run (FIKEN_TEST_SQLITE_NAME) when several suites run side by side.
            "TEST": {
                "NAME": os.environ.get("FIKEN_TEST_SQLITE_NAME", str(BASE_DIR / "test-db.sqlite3"))
            },
        }
    }

# The limiter lock must be visible to every process that calls Fiken: the database cache is.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_fiken_cache",
    },
    # The fault suite's workers: the same table with timeouts capped, so a SIGKILLed worker's
    # limiter lock frees in seconds (see tests/reliability/cache.py).
    "short_lease": {
        "BACKEND": "tests.reliability.cache.ShortLeaseDatabaseCache",
        "LOCATION": "django_fiken_cache",
    },
}

STATIC_URL = "/static/"

Q_CLUSTER = {
    "name": "django_fiken_tests",
    "workers": 1,
    "timeout": 60,
    "retry": 120,
    "orm": "default",
    "sync": False,
    "catch_up": False,
}

SOCIALACCOUNT_STORE_TOKENS = True

# Fast hashing: tests create many users; production keeps Django's default hashers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

FIKEN = {
    "API_TOKEN": "test-personal-token",
    "COMPANY_SLUG": "fiken-demo-as",
    "DEFAULT_BANK_ACCOUNT": "1920:10001",
    "ADAPTERS": {
        "testapp.Customer": "tests.testapp.fiken.CustomerAdapter",
        "testapp.Order": "tests.testapp.fiken.OrderAdapter",
    },
    "OPENAPI_SPEC": os.environ.get(
        "FIKEN_OPENAPI_SPEC", str(REPO_DIR.parent / "shared" / "fiken" / "openapi.yaml")
    ),
}

# A worker process the suite starts itself (a real `qcluster`, tests/push/cluster.py) uses the
# suite's test database and whatever the test passes in: JSON merged into FIKEN and Q_CLUSTER
# (a null value removes a key, e.g. {"orm": null, "redis": {...}} for the Redis broker).
if os.environ.get("FIKEN_TEST_WORKER"):
    import json

    DATABASES["default"]["NAME"] = DATABASES["default"]["TEST"]["NAME"]
    for _target, _variable in ((FIKEN, "FIKEN_TEST_FIKEN"), (Q_CLUSTER, "FIKEN_TEST_Q_CLUSTER")):
        for _key, _value in json.loads(os.environ.get(_variable, "{}")).items():
            if _value is None:
                _target.pop(_key, None)
            else:
                _target[_key] = _value
    # Checks a worker may skip, e.g. the fault suite's raised RATE_LIMIT (django_fiken.E004).
    SILENCED_SYSTEM_CHECKS = json.loads(os.environ.get("FIKEN_TEST_SILENCED_CHECKS", "[]"))
