from django.apps import AppConfig


class AfteractionConfig(AppConfig):
    """The after-action repository: reports, lessons, exercises, search, the archive."""

    name = "afteraction"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apc.core import panels as page_panels
        from plans import guidelines

        from . import panels, policy  # noqa: F401
        from .relevance import lessons_check

        # the plans' guideline check "relevant lessons considered" reads this repository
        guidelines.LESSONS_CHECK = lessons_check
        page_panels.register("plan_detail", panels.plan_lessons)
        page_panels.register("plan_detail", panels.plan_exercises)
        page_panels.register("country_detail", panels.country_repository)
