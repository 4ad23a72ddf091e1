"""Permission-matrix rows of the plans REST API (merged by tests/test_permission_matrix.py), and
the builders the API, PDF and query-count tests share.

Who sees what (plans/policy.py): the plans list is for the roles holding `plans.view`; a plan
itself for the co-chairs and the directorate, the drafting and red teams (grants), and the
Deputies (Principals) secretariat once it was submitted (referred) to it; anyone else gets 404.
Playbooks are for every role but service accounts (403); the reference catalogue is for every
signed-in user. Service accounts never write (403 before any lookup). The matrix sends no body:
whoever sees the plan gets 400 from the transition (no action given).
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from plans import services
from plans.models import Plan, PlanEvent, PlanSection, PlanVersion, Playbook
from tests.factories import UserFactory
from tests.plans.support import ensure_plans_reference, make_plan

API_ANON = 401
A = roles


def each(status: int, anon: int = API_ANON, **overrides: int) -> dict[str, int]:
    """As tests/test_permission_matrix.each (not imported from there: the plans tests import
    this module, and the matrix imports every matrix module)."""
    return {**dict.fromkeys(roles.ALL, status), "anonymous": anon, **overrides}


def to(status: int, who: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(who, status)


# --- builders -------------------------------------------------------------------------------


def submitted_plan(**kwargs: Any) -> Plan:
    """A response plan submitted to the Deputies Committee, with its version 1 frozen, written
    straight to the tables (a test about who sees it, not how it got there; the transitions
    themselves are tested through the API with `to_deputies`)."""
    plan = make_plan(**kwargs)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED_DEPUTIES)
    plan.refresh_from_db()
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        status=plan.status,
        snapshot=services.snapshot(plan),
        created_by=plan.owner,
        marking=plan.marking,
    )
    PlanEvent.objects.create(
        plan=plan,
        action="submit_deputies",
        from_status=Plan.Status.RED_TEAM,
        to_status=plan.status,
        actor=plan.owner,
        version=version,
    )
    return plan


def to_deputies(plan: Plan) -> Plan:
    """Take a draft response plan to the Deputies Committee through the services, as its owner
    (the assessments marked complete first)."""
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    for action in ("complete_assessments", "start_red_team", "submit_deputies"):
        plan = services.plan_transition(actor=plan.owner, plan=plan, action=action)
    return plan


def playbook(**kwargs: Any) -> Playbook:
    ensure_plans_reference()
    kwargs.setdefault("name", f"Playbook {Playbook.objects.count() + 1}")
    kwargs.setdefault("created_by", UserFactory(role=roles.DIRECTORATE))
    return Playbook.objects.create(**kwargs)


TARGETS = {
    "plans_api_draft": lambda user: [make_plan().pk],
    "plans_api_submitted": lambda user: [submitted_plan().pk],
    "plans_api_unknown": lambda user: [987654321],
    "plans_api_version": lambda user: [submitted_plan().pk, 1],
    "plans_api_no_version": lambda user: [submitted_plan().pk, 99],
    "plans_api_playbook": lambda user: [playbook().pk],
    "plans_api_no_playbook": lambda user: [987654321],
}

OVERSIGHT = (A.CO_CHAIR, A.DIRECTORATE)
SEE_DRAFT = to(200, OVERSIGHT)
SEE_SUBMITTED = {**SEE_DRAFT, A.DEPUTIES: 200}
# the list: every role holding plans.view (it shows each only the plans they may see)
LIST = each(403, **to(200, (*OVERSIGHT, A.MEMBER, A.DEPUTIES, A.PRINCIPALS, A.RED_TEAM, A.ANALYST)))
REFERENCE = each(200)
PLAYBOOKS = each(200, **{A.API_CLIENT: 403})
WRITE = {A.API_CLIENT: 403}

MATRIX = {
    ("api:plan-list", None, "GET"): LIST,
    ("api:plan-detail", "plans_api_draft", "GET"): each(404, **SEE_DRAFT),
    ("api:plan-detail", "plans_api_submitted", "GET"): each(404, **SEE_SUBMITTED),
    ("api:plan-detail", "plans_api_unknown", "GET"): each(404),
    ("api:plan-transition", "plans_api_draft", "POST"): each(404, **to(400, OVERSIGHT), **WRITE),
    ("api:plan-transition", "plans_api_submitted", "POST"): each(
        404, **to(400, (*OVERSIGHT, A.DEPUTIES)), **WRITE
    ),
    ("api:plan-transition", "plans_api_unknown", "POST"): each(404, **WRITE),
    ("api:plan-versions", "plans_api_draft", "GET"): each(404, **SEE_DRAFT),
    ("api:plan-versions", "plans_api_submitted", "GET"): each(404, **SEE_SUBMITTED),
    ("api:plan-versions", "plans_api_unknown", "GET"): each(404),
    ("api:plan-version-detail", "plans_api_version", "GET"): each(404, **SEE_SUBMITTED),
    ("api:plan-version-detail", "plans_api_no_version", "GET"): each(404),
    ("api:tool-list", None, "GET"): REFERENCE,
    ("api:strategy-list", None, "GET"): REFERENCE,
    ("api:target-group-list", None, "GET"): REFERENCE,
    ("api:playbook-list", None, "GET"): PLAYBOOKS,
    ("api:playbook-detail", "plans_api_playbook", "GET"): PLAYBOOKS,
    ("api:playbook-detail", "plans_api_no_playbook", "GET"): each(404, **{A.API_CLIENT: 403}),
}

REFUSED_METHODS = {
    "api:plan-list": ("POST",),
    "api:plan-detail": ("PUT", "PATCH", "DELETE"),
    "api:plan-transition": ("GET", "PUT", "DELETE"),
    "api:plan-versions": ("POST",),
    "api:plan-version-detail": ("POST", "PUT", "DELETE"),
    "api:tool-list": ("POST",),
    "api:strategy-list": ("POST",),
    "api:target-group-list": ("POST",),
    "api:playbook-list": ("POST",),
    "api:playbook-detail": ("PUT", "PATCH", "DELETE"),
}
