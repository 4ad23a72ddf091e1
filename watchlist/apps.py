from django.apps import AppConfig


class WatchlistConfig(AppConfig):
    """The Atrocities Watchlist: countries, tiers, risk scores, indicators."""

    name = "watchlist"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import policy  # noqa: F401
