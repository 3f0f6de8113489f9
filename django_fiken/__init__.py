"""Connect a Django project to Fiken, the Norwegian accounting system, through Fiken API v2."""

__version__ = "0.1.0"
