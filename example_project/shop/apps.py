"""The example shop's app config: connects it to Fiken when Django starts."""

from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "example_project.shop"
    label = "shop"
    verbose_name = "Shop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Adapters and the settled-invoice receiver: the shop's whole Fiken integration.
        from example_project.shop import fiken  # noqa: F401
