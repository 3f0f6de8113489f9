"""System checks for django-fiken; ids are stable (django_fiken.E001...), see docs/settings.md."""
