"""A separate process hammering a Fiken base URL through a Redis-backed limiter.

Run by test_limits.py as ``python -m tests.client.limiter_worker``; prints ``done <n>``.
"""

from __future__ import annotations

import argparse
import sys

from django.core.cache.backends.redis import RedisCache

from django_fiken.client import FikenClient, StaticTokenProvider


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--key-prefix", required=True)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--rate", type=float, default=4.0)
    parser.add_argument("--hold", action="store_true", help="take the slot and never let go")
    args = parser.parse_args(argv)
    cache = RedisCache(args.redis, {"KEY_PREFIX": args.key_prefix})
    if args.hold:
        from django_fiken.client import CacheLimiter

        limiter = CacheLimiter(cache, rate=args.rate, lease=1)
        with limiter.slot(StaticTokenProvider(args.token).limit_key):
            print("holding", flush=True)
            sys.stdin.read()  # until killed
        return 0
    client = FikenClient(
        StaticTokenProvider(args.token), args.base_url, cache=cache, rate_limit=args.rate
    )
    company = client.company(args.slug)
    for _ in range(args.requests):
        company.contacts.list().page(0)
    print(f"done {args.requests}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
