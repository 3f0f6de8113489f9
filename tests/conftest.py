"""Fixtures shared by the whole suite (the fake Fiken's come from django_fiken's pytest plugin)."""
