"""Permission-matrix rows of the plan pages (merged by tests/test_permission_matrix.py): every
route served by plans/views/plan.py × every role and anonymous.

Source of the rules: plans/policy.py. The plans list is for the roles holding "plans.view"
(everyone but auditors and service accounts); a draft plan is seen by the co-chairs and the
directorate, others answer 404 unless granted; the Deputies secretariat sees the plans submitted
to it. The directorate opens, steers and staffs plans (new plan, team, rehearsals, transitions);
an assigned red-team reviewer records findings; the drafting team answers them; the Deputies
approve or return what was submitted to them; the PDF is the co-chairs' and the directorate's.
The matrix posts no body: where the role may act, a form answers 400 with its errors (removing a
team member takes none: 302). Anonymous users are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from plans import services
from plans.models import Plan, PlanSection
from tests.factories import UserFactory
from tests.plans.support import directorate, make_plan
from tests.test_permission_matrix import each

A = roles
DIR, CHAIR, DEP, RT = A.DIRECTORATE, A.CO_CHAIR, A.DEPUTIES, A.RED_TEAM
MISSING = 987654321


def _lead():
    return directorate(is_directorate_lead=True)


def _draft() -> Plan:
    return make_plan(owner=_lead())


def _red_team(user: Any = None) -> Plan:
    """A plan in red-team review; a calling red-team user is its assigned reviewer."""
    lead = _lead()
    plan = make_plan(owner=lead)
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    for action in ("complete_assessments", "start_red_team"):
        plan = services.plan_transition(actor=lead, plan=plan, action=action)
    if user is not None and RT in user.roles:
        services.reviewer_assign(actor=lead, plan=plan, reviewer=user)
    return plan


def _submitted() -> Plan:
    """A plan submitted to the Deputies Committee (version 1 frozen)."""
    plan = _red_team()
    return services.plan_transition(actor=plan.lead, plan=plan, action="submit_deputies")


def _with_contributor() -> list[int]:
    plan = _draft()
    contributor = UserFactory(role=A.MEMBER)
    services.team_add(actor=plan.lead, plan=plan, user=contributor)
    return [plan.pk, contributor.pk]


def _finding() -> list[int]:
    plan = _red_team()
    reviewer = UserFactory(role=RT)
    services.reviewer_assign(actor=plan.lead, plan=plan, reviewer=reviewer)
    reviewer.__dict__.pop("_apc_perm_checker", None)
    finding = services.finding_add(
        actor=reviewer, plan=plan, section_key="target_assessment", text="Patrons ignored."
    )
    return [finding.pk]


TARGETS = {
    "plan_draft": lambda user: [_draft().pk],
    "plan_red_team": lambda user: [_red_team(user).pk],
    "plan_submitted": lambda user: [_submitted().pk],
    "plan_missing": lambda user: [MISSING],
    "plan_team_member": lambda user: _with_contributor(),
    "plan_finding": lambda user: _finding(),
    "plan_finding_missing": lambda user: [MISSING],
    "plan_version": lambda user: [_submitted().pk, 1],
    "plan_version_missing": lambda user: [_submitted().pk, 9],
}

STAFF = {CHAIR: 200, DIR: 200}  # who sees a draft plan
SUBMITTED = {**STAFF, DEP: 200}  # and a plan submitted to the Deputies Committee

MATRIX = {
    # The plans list: everyone holding "plans.view".
    ("plans:plan-list", None, "GET"): each(200, **{A.AUDITOR: 403, A.API_CLIENT: 403}),
    # A new plan: the directorate (no body posted: 400).
    ("plans:plan-new", None, "GET"): each(403, **{DIR: 200}),
    ("plans:plan-new", None, "POST"): each(403, **{DIR: 400}),
    # The overview: who sees the plan.
    ("plans:plan-detail", "plan_draft", "GET"): each(404, **STAFF),
    ("plans:plan-detail", "plan_submitted", "GET"): each(404, **SUBMITTED),
    ("plans:plan-detail", "plan_missing", "GET"): each(404),
    # Transitions (no action posted: 400 for those who may take a step, else 403).
    ("plans:plan-transition", "plan_draft", "POST"): each(404, **{CHAIR: 403, DIR: 400}),
    ("plans:plan-transition", "plan_submitted", "POST"): each(
        404, **{CHAIR: 403, DIR: 400, DEP: 400}
    ),
    ("plans:plan-transition", "plan_missing", "POST"): each(404),
    # The drafting team: the directorate.
    ("plans:team-add", "plan_draft", "POST"): each(404, **{CHAIR: 403, DIR: 400}),
    ("plans:team-add", "plan_missing", "POST"): each(404),
    ("plans:team-remove", "plan_team_member", "POST"): each(404, **{CHAIR: 403, DIR: 302}),
    # Reviewers: assigned by the directorate lead (the lead rule is checked on a chosen
    # reviewer; with no body the form answers 400).
    ("plans:reviewer-assign", "plan_draft", "POST"): each(404, **{CHAIR: 403, DIR: 400}),
    ("plans:reviewer-assign", "plan_missing", "POST"): each(404),
    # Findings: the assigned red-team reviewer (the calling red-team user is assigned here).
    ("plans:finding-add", "plan_red_team", "POST"): each(404, **{CHAIR: 403, DIR: 403, RT: 400}),
    ("plans:finding-add", "plan_missing", "POST"): each(404),
    # Answers: the drafting team (the directorate); co-chairs read only.
    ("plans:finding-respond", "plan_finding", "POST"): each(404, **{CHAIR: 403, DIR: 400}),
    ("plans:finding-respond", "plan_finding_missing", "POST"): each(404),
    # Rehearsals: the directorate.
    ("plans:rehearsal-add", "plan_draft", "POST"): each(404, **{CHAIR: 403, DIR: 400}),
    ("plans:rehearsal-add", "plan_missing", "POST"): each(404),
    # Versions: whoever sees the plan.
    ("plans:version-list", "plan_draft", "GET"): each(404, **STAFF),
    ("plans:version-list", "plan_submitted", "GET"): each(404, **SUBMITTED),
    ("plans:version-list", "plan_missing", "GET"): each(404),
    ("plans:version-compare", "plan_submitted", "GET"): each(404, **SUBMITTED),
    ("plans:version-compare", "plan_missing", "GET"): each(404),
    ("plans:version-detail", "plan_version", "GET"): each(404, **SUBMITTED),
    ("plans:version-detail", "plan_version_missing", "GET"): each(404),
    # The PDF: co-chairs and the directorate ("export"), and the committee it was submitted to.
    ("plans:plan-pdf", "plan_submitted", "GET"): each(404, **STAFF, **{DEP: 200}),
    ("plans:plan-pdf", "plan_missing", "GET"): each(404),
    ("plans:version-pdf", "plan_version", "GET"): each(404, **STAFF, **{DEP: 200}),
    ("plans:version-pdf", "plan_version_missing", "GET"): each(404),
}

REFUSED_METHODS = {
    "plans:plan-list": ("POST",),
    "plans:plan-new": ("PUT", "DELETE"),
    "plans:plan-detail": ("POST", "PUT", "DELETE"),
    "plans:plan-transition": ("GET",),
    "plans:team-add": ("GET",),
    "plans:team-remove": ("GET",),
    "plans:reviewer-assign": ("GET",),
    "plans:finding-add": ("GET",),
    "plans:finding-respond": ("GET",),
    "plans:rehearsal-add": ("GET",),
    "plans:version-list": ("POST",),
    "plans:version-compare": ("POST",),
    "plans:version-detail": ("POST",),
    "plans:plan-pdf": ("POST",),
    "plans:version-pdf": ("POST",),
}
