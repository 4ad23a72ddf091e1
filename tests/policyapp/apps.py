from django.apps import AppConfig


class PolicyAppConfig(AppConfig):
    """A test-only app with a marked, grantable model, to exercise every branch of the policy
    before the product's own analysis records exist (installed by apc.settings.test only)."""

    name = "tests.policyapp"
    label = "policyapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tests.policyapp import policy  # noqa: F401
