"""Placeholder until the smoke run lands: starts nothing yet."""

print("django-fiken demo: not yet wired")
