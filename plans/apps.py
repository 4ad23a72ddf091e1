from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Crisis prevention and response plans, the tool catalogue, playbooks, red team, approvals."""

    name = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apc.meetings.agenda import register_provider
        from watchlist.services import PLAN_TASK_HOOKS

        from . import policy  # noqa: F401
        from .agenda import plans_awaiting_decision
        from .services import plan_for_task

        register_provider(4, plans_awaiting_decision)
        # a tier change's plan task opens its draft plan (after its assessment tasks exist)
        if plan_for_task not in PLAN_TASK_HOOKS:
            PLAN_TASK_HOOKS.append(plan_for_task)
