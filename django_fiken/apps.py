from django.apps import AppConfig


class DjangoFikenConfig(AppConfig):
    """App config: registers system checks and connects host-model signals on ready()."""

    name = "django_fiken"
    label = "django_fiken"
    verbose_name = "Fiken"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_fiken import adapters, checks, jobs  # noqa: F401  (checks; sweep schedule)

        adapters.load_from_settings()  # FIKEN["ADAPTERS"]: connects the host models' signals
        from django_fiken.oauth import checks as oauth_checks  # noqa: F401
        from django_fiken.oauth import receivers  # noqa: F401  (allauth signals, token provider)
