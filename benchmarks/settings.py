"""Settings for the benchmarks: the test suite's apps and host models, on a production-like stack.

PostgreSQL (database ``FIKEN_BENCH_DB``, default ``fiken_bench``, created and dropped by each
script), Redis for the limiter's lock and as django-q2's broker (``FIKEN_BENCH_REDIS``, default
``redis://127.0.0.1:6379/7``, a database of its own). The worker processes a script starts read
the same module, plus JSON in ``FIKEN_BENCH_FIKEN`` / ``FIKEN_BENCH_Q_CLUSTER`` merged over
``FIKEN`` and ``Q_CLUSTER`` (a null value removes a key).
"""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import FIKEN, Q_CLUSTER

REDIS_URL = os.environ.get("FIKEN_BENCH_REDIS", "redis://127.0.0.1:6379/7")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "NAME": os.environ.get("FIKEN_BENCH_DB", "fiken_bench"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "CONN_MAX_AGE": 60,
    }
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

Q_CLUSTER = {
    **Q_CLUSTER,
    "name": "django_fiken_bench",
    "workers": 2,
    "timeout": 600,
    "retry": 900,
    "poll": 0.2,
    "redis": REDIS_URL,
}
Q_CLUSTER.pop("orm", None)

FIKEN = {**FIKEN, "QUEUE": {"INLINE_WAIT_SECONDS": 5, "LEASE_SECONDS": 30}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FIKEN_BENCH_LOG", "WARNING")},
}

for _target, _variable in ((FIKEN, "FIKEN_BENCH_FIKEN"), (Q_CLUSTER, "FIKEN_BENCH_Q_CLUSTER")):
    for _key, _value in json.loads(os.environ.get(_variable, "{}")).items():
        if _value is None:
            _target.pop(_key, None)
        else:
            _target[_key] = _value
