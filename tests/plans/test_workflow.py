"""The plans' life cycles (plans/workflow.py, performed by services.plan_transition): every
(status, action) pair of each workflow, for every role, is allowed or refused exactly as
declared; nobody on the drafting team approves their own plan; two approvals at once make one;
submitting freezes numbered, immutable, comparable versions; the preconditions refuse and change
nothing.

Source: seeds/000, "Decision Support and Planning", recommendation 4-2 (plans are red-teamed,
"approved by the Deputies Committee and if necessary the Principals Committee", and briefed to
Congress); the issue's "Review and approval".
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import roles_for
from apc.models import AuditEvent
from plans import diff, selectors, services
from plans.models import Plan, PlanEvent, PlanSection, PlanVersion, RedTeamFinding
from plans.workflow import APPROVALS, FREEZES, PREVENTION, RESPONSE
from tests.factories import UserFactory, country
from tests.plans.support import directorate, ensure_plans_reference, make_plan, set_tier
from watchlist.models import PlanTask

pytestmark = pytest.mark.django_db

S = Plan.Status
ROLES = [
    roles.CO_CHAIR,
    roles.MEMBER,
    roles.DIRECTORATE,
    roles.ANALYST,
    roles.RED_TEAM,
    roles.DEPUTIES,
    roles.PRINCIPALS,
    roles.AUDITOR,
]
# The machines as the issue describes them: (from, action) -> to.
RESPONSE_TABLE = {
    (S.DRAFT, "complete_assessments"): S.ASSESSMENTS_COMPLETE,
    (S.ASSESSMENTS_COMPLETE, "reopen"): S.DRAFT,
    (S.ASSESSMENTS_COMPLETE, "start_red_team"): S.RED_TEAM,
    (S.RED_TEAM, "reopen"): S.DRAFT,
    (S.RED_TEAM, "submit_deputies"): S.SUBMITTED_DEPUTIES,
    (S.SUBMITTED_DEPUTIES, "approve_deputies"): S.APPROVED_DEPUTIES,
    (S.SUBMITTED_DEPUTIES, "return_deputies"): S.DRAFT,
    (S.APPROVED_DEPUTIES, "refer_principals"): S.SUBMITTED_PRINCIPALS,
    (S.SUBMITTED_PRINCIPALS, "approve_principals"): S.APPROVED_PRINCIPALS,
    (S.SUBMITTED_PRINCIPALS, "return_principals"): S.DRAFT,
    (S.APPROVED_DEPUTIES, "brief_congress"): S.BRIEFED,
    (S.APPROVED_PRINCIPALS, "brief_congress"): S.BRIEFED,
    (S.BRIEFED, "implement"): S.IN_IMPLEMENTATION,
    (S.IN_IMPLEMENTATION, "close"): S.CLOSED,
}
PREVENTION_TABLE = {
    (S.DRAFT, "submit_apc"): S.APC_REVIEW,
    (S.APC_REVIEW, "approve_apc"): S.APPROVED,
    (S.APC_REVIEW, "return_apc"): S.DRAFT,
    (S.APPROVED, "implement"): S.IN_IMPLEMENTATION,
    (S.IN_IMPLEMENTATION, "close"): S.CLOSED,
}
# Who takes each step: the directorate drafts and steers; the committees' secretariats approve.
PERMISSION_ROLES = {
    "draft": {roles.DIRECTORATE},
    "manage": {roles.DIRECTORATE},
    "approve_deputies": {roles.DEPUTIES},
    "approve_principals": {roles.PRINCIPALS},
    "approve_apc": {roles.CO_CHAIR},
}
WORKFLOWS = {Plan.Kind.RESPONSE: (RESPONSE, RESPONSE_TABLE), Plan.Kind.PREVENTION: (PREVENTION,
             PREVENTION_TABLE)}  # fmt: skip
BRIEFING = {"date": date(2026, 1, 15), "committees": "SFRC; HFAC", "members": "Sen. A; Rep. B"}


def test_the_tables_are_the_documented_machines():
    for workflow, table in WORKFLOWS.values():
        assert {(t.source, t.action): t.target for t in workflow.transitions} == table
    assert sorted(FREEZES) == ["refer_principals", "submit_apc", "submit_deputies"]
    assert sorted(APPROVALS) == ["approve_apc", "approve_deputies", "approve_principals"]


def test_each_step_needs_the_declared_roles():
    for workflow, _ in WORKFLOWS.values():
        for t in workflow.transitions:
            assert roles_for(t.permission, Plan) == PERMISSION_ROLES[t.permission], t


def audit_count(plan: Plan, action: str) -> int:
    return AuditEvent.objects.filter(
        action=f"plan.{action}", object_type="plans.plan", object_id=str(plan.pk)
    ).count()


def put(plan: Plan, status: str) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=status)


@pytest.mark.parametrize("kind", [Plan.Kind.RESPONSE, Plan.Kind.PREVENTION])
@pytest.mark.parametrize("role", ROLES)
def test_every_status_action_pair_for_every_role(kind, role):
    """Each pair in the table moves the plan (event row, audit row) for the roles declared and
    is refused with NotPermitted for the others; each pair outside it is InvalidTransition."""
    workflow, table = WORKFLOWS[kind]
    plan = make_plan(kind)  # owned by another directorate user: the actor is not on the team
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    actor = UserFactory(role=role)
    actions = sorted({t.action for t in workflow.transitions})
    wrong = []
    for status in S.values:
        for action in actions:
            put(plan, status)
            events_before = PlanEvent.objects.filter(plan=plan).count()
            audits_before = audit_count(plan, action)
            declared = (status, action) in table
            permission = workflow.transition(status, action).permission if declared else None
            allowed = declared and role in PERMISSION_ROLES[permission]
            try:
                services.plan_transition(
                    actor=actor, plan=plan, action=action, comment="Reasons given.",
                    briefing=BRIEFING,
                )  # fmt: skip
            except InvalidTransition:
                outcome = "invalid"
            except NotPermitted:
                outcome = "refused"
            else:
                outcome = "moved"
            plan.refresh_from_db()
            expected = "moved" if allowed else ("refused" if declared else "invalid")
            if outcome != expected:
                wrong.append((status, action, expected, outcome))
                continue
            events = PlanEvent.objects.filter(plan=plan)
            if outcome == "moved":
                event = events.latest("id")
                ok = (
                    plan.status == table[(status, action)]
                    and events.count() == events_before + 1
                    and (event.action, event.from_status, event.to_status, event.actor_id)
                    == (action, status, plan.status, actor.pk)
                    and audit_count(plan, action) == audits_before + 1
                    and (event.version_id is not None) == (action in FREEZES)
                )
            else:
                ok = (
                    plan.status == status
                    and events.count() == events_before
                    and audit_count(plan, action) == audits_before
                )
            if not ok:
                wrong.append((status, action, "side effects", outcome))
    assert wrong == []


# --- self-approval --------------------------------------------------------------------------


def _approver_cases():
    return ["owner", "lead", "team_member", "assignee", "editor"]


@pytest.mark.parametrize("who", _approver_cases())
@pytest.mark.parametrize(
    ("kind", "status", "action", "role"),
    [
        (Plan.Kind.RESPONSE, S.SUBMITTED_DEPUTIES, "approve_deputies", roles.DEPUTIES),
        (Plan.Kind.RESPONSE, S.SUBMITTED_PRINCIPALS, "approve_principals", roles.PRINCIPALS),
        (Plan.Kind.PREVENTION, S.APC_REVIEW, "approve_apc", roles.CO_CHAIR),
    ],
)
def test_nobody_who_drafted_the_plan_approves_it(who, kind, status, action, role):
    both = [roles.DIRECTORATE, role]
    if who == "owner":
        owner = UserFactory(role=both)
        plan = make_plan(kind, owner=owner)
        approver = owner
    else:
        plan = make_plan(kind)
        approver = UserFactory(role=both if who == "editor" else role)
        section = plan.sections.first()
        if who == "lead":
            Plan.objects.filter(pk=plan.pk).update(lead=approver)
        elif who == "team_member":
            services.team_add(actor=plan.owner, plan=plan, user=approver)
        elif who == "assignee":
            services.section_assign(actor=plan.owner, section=section, assignee=approver)
        elif who == "editor":
            services.section_save(
                actor=approver, section=section, content={}, status="drafting", marking="U",
                version=section.version,
            )  # fmt: skip
    put(plan, status)
    plan.refresh_from_db()
    with pytest.raises(NotPermitted) as refused:
        services.plan_transition(actor=approver, plan=plan, action=action)
    assert refused.value.hidden is False  # 403: they see the plan, they may not approve it
    plan.refresh_from_db()
    assert plan.status == status
    assert not PlanEvent.objects.filter(plan=plan, action=action).exists()
    # someone outside the team with the same role may
    services.plan_transition(actor=UserFactory(role=role), plan=plan, action=action)
    plan.refresh_from_db()
    assert plan.status != status


def test_a_plan_in_the_wrong_state_cannot_be_approved():
    plan = make_plan()
    deputies = UserFactory(role=roles.DEPUTIES)
    for status in (S.DRAFT, S.RED_TEAM, S.APPROVED_DEPUTIES, S.SUBMITTED_PRINCIPALS, S.CLOSED):
        put(plan, status)
        with pytest.raises(InvalidTransition):
            services.plan_transition(actor=deputies, plan=plan, action="approve_deputies")
    assert not PlanEvent.objects.filter(plan=plan).exists()


# --- two approvals at once ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_approving_at_once_make_one_approval():
    ensure_plans_reference()
    plan = make_plan()
    put(plan, S.SUBMITTED_DEPUTIES)
    approvers = [UserFactory(role=roles.DEPUTIES) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def approve(user):
        try:
            barrier.wait(timeout=10)
            services.plan_transition(
                actor=user, plan=Plan.objects.get(pk=plan.pk), action="approve_deputies"
            )
            result: object = "approved"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("approved") == 1, outcomes
    (failure,) = [o for o in outcomes if o != "approved"]
    assert isinstance(failure, InvalidTransition)
    assert PlanEvent.objects.filter(plan=plan, action="approve_deputies").count() == 1
    plan.refresh_from_db()
    assert plan.status == S.APPROVED_DEPUTIES


# --- versions -------------------------------------------------------------------------------


def _complete_all(plan, actor, **content):
    for s in plan.sections.all():
        services.section_save(
            actor=actor, section=s, content=content.get(s.key, {}), status="complete",
            marking=s.marking, version=s.version,
        )  # fmt: skip


def test_submitting_freezes_numbered_versions_that_compare():
    plan = make_plan()
    lead = plan.owner
    _complete_all(plan, lead, target_assessment={"basics": "A weak economy."})
    for action in ("complete_assessments", "start_red_team", "submit_deputies"):
        services.plan_transition(actor=lead, plan=plan, action=action)
    (v1,) = PlanVersion.objects.filter(plan=plan)
    assert (v1.number, v1.status, v1.created_by) == (1, S.SUBMITTED_DEPUTIES, lead)
    assert PlanEvent.objects.get(plan=plan, action="submit_deputies").version == v1
    basics = next(s for s in v1.snapshot["sections"] if s["key"] == "target_assessment")
    assert basics["content"]["basics"] == "A weak economy."

    deputies = UserFactory(role=roles.DEPUTIES)
    services.plan_transition(
        actor=deputies, plan=plan, action="return_deputies", comment="Say more on the economy."
    )
    ta = plan.sections.get(key="target_assessment")
    services.section_save(
        actor=lead, section=ta, content={"basics": "A collapsing economy."}, status="complete",
        marking="U", version=ta.version,
    )  # fmt: skip
    plan.sections.exclude(pk=ta.pk).update(status="complete")
    for action in ("complete_assessments", "start_red_team", "submit_deputies"):
        services.plan_transition(actor=lead, plan=plan, action=action)
    v1.refresh_from_db()
    assert v1.snapshot["sections"][0]["content"]["basics"] == "A weak economy."  # frozen
    v2 = PlanVersion.objects.get(plan=plan, number=2)
    services.plan_transition(actor=deputies, plan=plan, action="approve_deputies")
    services.plan_transition(actor=deputies, plan=plan, action="refer_principals")
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2, 3]

    rows = diff.compare(selectors.version_view(lead, v1), selectors.version_view(lead, v2))
    (changed,) = [r for r in rows if r["changed"]]
    assert changed["label"] == "Political-military, economic and demographic basics"
    assert "<del>weak</del>" in changed["left"] and "<ins>collapsing</ins>" in changed["right"]


def test_versions_and_events_refuse_update_and_delete_at_the_database():
    plan = make_plan(Plan.Kind.PREVENTION)
    plan.sections.update(status="complete")
    services.plan_transition(actor=plan.owner, plan=plan, action="submit_apc")
    version = PlanVersion.objects.get(plan=plan)
    event = PlanEvent.objects.get(plan=plan)
    attempts = [
        lambda: PlanVersion.objects.filter(pk=version.pk).update(snapshot={}),
        lambda: PlanVersion.objects.filter(pk=version.pk).delete(),
        lambda: PlanEvent.objects.filter(pk=event.pk).update(comment="rewritten"),
        lambda: PlanEvent.objects.filter(pk=event.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    version.refresh_from_db()
    assert version.snapshot["kind"] == "prevention"
    assert PlanEvent.objects.filter(pk=event.pk).exists()


# --- preconditions and required input -------------------------------------------------------


def _unchanged(plan, status, events):
    plan.refresh_from_db()
    assert plan.status == status
    assert PlanEvent.objects.filter(plan=plan).count() == events


@pytest.mark.parametrize("action", ["return_deputies", "return_principals", "return_apc"])
def test_returning_a_plan_needs_a_comment(action):
    kind = Plan.Kind.PREVENTION if action == "return_apc" else Plan.Kind.RESPONSE
    status, role = {
        "return_deputies": (S.SUBMITTED_DEPUTIES, roles.DEPUTIES),
        "return_principals": (S.SUBMITTED_PRINCIPALS, roles.PRINCIPALS),
        "return_apc": (S.APC_REVIEW, roles.CO_CHAIR),
    }[action]
    plan = make_plan(kind)
    put(plan, status)
    actor = UserFactory(role=role)
    with pytest.raises(Invalid) as refused:
        services.plan_transition(actor=actor, plan=plan, action=action, comment="   ")
    assert refused.value.status_code == 400 and "comment" in refused.value.errors
    _unchanged(plan, status, 0)
    services.plan_transition(actor=actor, plan=plan, action=action, comment="Rework the options.")
    _unchanged(plan, S.DRAFT, 1)
    assert PlanEvent.objects.get(plan=plan).comment == "Rework the options."


@pytest.mark.parametrize(
    ("briefing", "field"),
    [
        (None, "date"),
        ({**BRIEFING, "date": None}, "date"),
        ({**BRIEFING, "date": timezone.localdate() + timedelta(days=1)}, "date"),
        ({**BRIEFING, "committees": " "}, "committees"),
        ({**BRIEFING, "members": ""}, "members"),
    ],
)
def test_the_briefing_to_congress_needs_date_committees_and_members(briefing, field):
    plan = make_plan()
    put(plan, S.APPROVED_DEPUTIES)
    with pytest.raises(Invalid) as refused:
        services.plan_transition(
            actor=plan.owner, plan=plan, action="brief_congress", briefing=briefing
        )
    assert field in refused.value.errors
    _unchanged(plan, S.APPROVED_DEPUTIES, 0)
    assert plan.congress_briefed_on is None


def test_the_briefing_is_recorded():
    plan = make_plan()
    put(plan, S.APPROVED_PRINCIPALS)
    services.plan_transition(
        actor=plan.owner, plan=plan, action="brief_congress",
        briefing={**BRIEFING, "committees": "  SFRC  "},
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == S.BRIEFED
    assert plan.congress_briefed_on == BRIEFING["date"]
    assert (plan.congress_committees, plan.congress_members) == ("SFRC", "Sen. A; Rep. B")


def test_assessments_must_be_complete():
    plan = make_plan()
    plan.sections.filter(key="target_assessment").update(status="complete")
    plan.sections.filter(key="atrocities_estimate").update(status="drafting")
    with pytest.raises(Invalid) as refused:
        services.plan_transition(actor=plan.owner, plan=plan, action="complete_assessments")
    assert refused.value.status_code == 400
    message = " ".join(refused.value.errors["sections"])
    assert "Atrocities estimate" in message and "Policy options" in message
    assert "Target country" not in message
    assert "Operations plan" not in message  # not one of the three assessments
    _unchanged(plan, S.DRAFT, 0)
    assert not AuditEvent.objects.filter(action="plan.complete_assessments").exists()
    plan.sections.update(status="drafting")
    plan.sections.filter(key__in=["target_assessment", "atrocities_estimate",
                                  "policy_options"]).update(status="complete")  # fmt: skip
    services.plan_transition(actor=plan.owner, plan=plan, action="complete_assessments")
    _unchanged(plan, S.ASSESSMENTS_COMPLETE, 1)


def test_findings_must_be_answered_before_submission():
    plan = make_plan()
    plan.sections.update(status="complete")
    put(plan, S.RED_TEAM)
    reviewer = UserFactory(role=roles.RED_TEAM)
    finding = RedTeamFinding.objects.create(
        plan=plan, section_key="policy_options", reviewer=reviewer, text="No counter-moves."
    )
    with pytest.raises(Invalid) as refused:
        services.plan_transition(actor=plan.owner, plan=plan, action="submit_deputies")
    assert "findings" in refused.value.errors
    _unchanged(plan, S.RED_TEAM, 0)
    assert not PlanVersion.objects.filter(plan=plan).exists()
    services.finding_respond(actor=plan.owner, finding=finding, response="Added them.")
    services.plan_transition(actor=plan.owner, plan=plan, action="submit_deputies")
    _unchanged(plan, S.SUBMITTED_DEPUTIES, 1)


# --- the plan task ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "kind", "walk"),
    [
        (
            "high_rising",
            Plan.Kind.RESPONSE,
            [
                (roles.DIRECTORATE, "complete_assessments"),
                (roles.DIRECTORATE, "start_red_team"),
                (roles.DIRECTORATE, "submit_deputies"),
                (roles.DEPUTIES, "approve_deputies"),
            ],
        ),
        (
            "moderate",
            Plan.Kind.PREVENTION,
            [(roles.DIRECTORATE, "submit_apc"), (roles.CO_CHAIR, "approve_apc")],
        ),
    ],
)
def test_the_plan_task_is_done_when_the_plan_is_approved(tier, kind, walk):
    from watchlist.services import tier_change

    ensure_plans_reference()
    lead = directorate(is_directorate_lead=True)
    chair = UserFactory(role=roles.CO_CHAIR)
    c = set_tier(country("ETH"), None)
    tier_change(country=c, to_tier=tier, rationale="Mass killings reported.", actor=chair)
    plan = Plan.objects.get(country=c, kind=kind)
    assert plan.owner == lead and plan.task is not None
    assert plan.task.status == PlanTask.Status.OPEN
    plan.sections.update(status="complete")
    from guardian.shortcuts import assign_perm

    for perm in ("view_plan", "review_plan"):  # red-teamed (a reviewer was assigned)
        assign_perm(perm, UserFactory(role=roles.RED_TEAM), plan)
    actors = {roles.DIRECTORATE: lead, roles.DEPUTIES: UserFactory(role=roles.DEPUTIES),
              roles.CO_CHAIR: chair}  # fmt: skip
    for role, action in walk:
        plan.task.refresh_from_db()
        assert plan.task.status == PlanTask.Status.OPEN
        services.plan_transition(actor=actors[role], plan=plan, action=action)
    plan.task.refresh_from_db()
    assert plan.task.status == PlanTask.Status.DONE
