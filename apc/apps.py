from django.apps import AppConfig


class ApcConfig(AppConfig):
    """The committee: agencies, people, roles, audit trail, notifications."""

    name = "apc"
    verbose_name = "Atrocities Prevention Committee"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import policy, signals  # noqa: F401
