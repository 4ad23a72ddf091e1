"""Who may see and do what in the after-action repository (apc/core/permissions.py).

The repository is "permanent and accessible" (seeds/000, "Crisis Response Structure and
Process"): every published report is readable by every committee role that works on crises
(co-chairs, members, the directorate, analysts, the red team, the Deputies and Principals
secretariats), clearance permitting; the auditor reads the audit trail only and API service
accounts read the watchlist only. Reports not yet published are seen by the directorate, which
commissions, reviews, publishes and withdraws them, and by their author team, which holds
django-guardian grants on that one report (`view_report`, `author_report`). A lesson or a
narrative link is seen where its report is, and only by readers cleared for its own marking.
Exercises are the directorate's records, read by the directorate and the co-chairs.
"""

from django.db.models import Q

from afteraction.models import (
    Exercise,
    Lesson,
    LessonConsideration,
    NarrativeLink,
    Report,
    ReportEvent,
)
from apc.core import roles
from apc.core.permissions import Policy, register, register_action, visible

STAFF = frozenset({roles.DIRECTORATE})
READERS = frozenset(
    {
        roles.CO_CHAIR,
        roles.MEMBER,
        roles.DIRECTORATE,
        roles.ANALYST,
        roles.RED_TEAM,
        roles.DEPUTIES,
        roles.PRINCIPALS,
    }
)


def _report_scope(user, action):
    """Readers see published reports (and export them as PDF)."""
    if action in ("view", "export") and user.roles & READERS:
        return Q(status=Report.Status.PUBLISHED)
    return None


def _via_report(user, action):
    if action != "view":
        return None
    return Q(report__in=visible(user, Report.objects.all()).values("pk"))


register_action("afteraction.view", READERS)
register_action("afteraction.commission", STAFF)
register_action("exercises.view", STAFF | {roles.CO_CHAIR})
register_action("exercises.manage", STAFF)

register(
    Report,
    Policy(
        roles={
            "view": STAFF,
            "export": STAFF,
            "manage": STAFF,
            "publish": STAFF,
            "revise": STAFF,
        },
        scope=_report_scope,
        grants=True,  # view_report, author_report: the author team of one report
    ),
)
for model in (Lesson, NarrativeLink, ReportEvent):
    register(model, Policy(scope=_via_report, marked_via=("report",)))
register(Exercise, Policy(roles={"view": STAFF | {roles.CO_CHAIR}, "manage": STAFF}))


def _consideration_scope(user, action):
    if action != "view":
        return None
    from plans.models import Plan

    return Q(plan__in=visible(user, Plan.objects.all()).values("pk"))


register(
    LessonConsideration,
    Policy(scope=_consideration_scope, marked_via=("plan", "plan__country", "lesson")),
)
