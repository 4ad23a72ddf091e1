"""Two rules the pages and the API read from the services: an approval is never offered to the
drafting team (seeds/000, recommendation 4-2: plans are approved by the Deputies or Principals
Committee, not by their authors), and the committee a plan is submitted to may export it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from apc.core import roles
from apc.core.exceptions import Conflict, Invalid, NotPermitted
from apc.core.markings import Marking
from apc.core.permissions import can
from apc.models import Agency, AuditEvent
from plans import services
from plans.models import EscalationStage, Plan, TargetGroup, Tool
from tests.factories import UserFactory, country
from tests.plans.support import directorate, make_plan
from watchlist import services as watchlist
from watchlist.models import PlanTask


def group(key: str) -> TargetGroup:
    return TargetGroup.objects.get(key=key)


def stage(key: str) -> EscalationStage:
    return EscalationStage.objects.get(key=key)


pytestmark = pytest.mark.django_db


def _submitted(plan: Plan, lead) -> Plan:
    plan.sections.update(status="complete")
    for action in ("complete_assessments", "start_red_team"):
        plan = services.plan_transition(actor=lead, plan=plan, action=action)
    services.reviewer_assign(actor=lead, plan=plan, reviewer=UserFactory(role=roles.RED_TEAM))
    return services.plan_transition(actor=lead, plan=plan, action="submit_deputies")


def test_approval_is_not_offered_to_the_drafting_team():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    author = UserFactory(role=[roles.DEPUTIES])
    services.team_add(actor=lead, plan=plan, user=author)
    plan = _submitted(plan, lead)
    outsider = UserFactory(role=roles.DEPUTIES)
    assert "approve_deputies" in {t.action for t in services.available_actions(outsider, plan)}
    offered = {t.action for t in services.available_actions(author, plan)}
    assert "approve_deputies" not in offered and "return_deputies" in offered


def test_the_deputies_export_only_what_was_submitted_to_them():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    deputies = UserFactory(role=roles.DEPUTIES)
    assert not can(deputies, "export", plan) and not can(deputies, "view", plan)
    plan = _submitted(plan, lead)
    assert can(deputies, "view", plan) and can(deputies, "export", plan)
    assert not can(UserFactory(role=roles.PRINCIPALS), "export", plan)


# --- what the review of the plans found -----------------------------------------------------


def _on_review(plan: Plan, lead) -> Plan:
    plan.sections.update(status="complete")
    for action in ("complete_assessments", "start_red_team"):
        plan = services.plan_transition(actor=lead, plan=plan, action=action)
    return plan


def test_whoever_had_a_hand_in_a_plan_never_approves_it_even_after_leaving_the_team():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    author = UserFactory(role=roles.DEPUTIES)
    services.team_add(actor=lead, plan=plan, user=author)
    section = plan.sections.get(key="target_assessment")
    services.section_save(
        actor=author, section=section, content={"basics": "Draft."}, status="drafting",
        marking="U", version=0,
    )  # fmt: skip
    services.team_remove(actor=lead, plan=plan, user=author)
    section.refresh_from_db()
    services.section_save(
        actor=lead, section=section, content={"basics": "Redone."}, status="complete",
        marking="U", version=section.version,
    )  # fmt: skip
    plan = _submitted(plan, lead)
    with pytest.raises(NotPermitted):
        services.plan_transition(actor=author, plan=plan, action="approve_deputies")
    assert author.pk in services.drafting_team(plan)


def test_the_overview_names_the_messaging_lead_only_to_readers_of_the_operations_plan(client):
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    state = Agency.objects.get(code="state")
    services.messaging_lead_set(actor=lead, plan=plan, agency=state)
    plan.sections.filter(key="operations_plan").update(marking=Marking.S)
    chair = UserFactory(role=roles.CO_CHAIR, clearance=Marking.C)
    client.force_login(chair)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert state.name not in page and "Hidden: above your clearance" in page


def test_audit_events_quoting_an_option_are_marked_like_the_matrix():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    plan.sections.filter(key="policy_options").update(marking=Marking.S)
    services.option_add(
        actor=lead,
        plan=plan,
        data={"target_group": group("victims"), "stage": stage("latent"),
              "custom_measure": "Evacuation corridor via Renk", "stance": "cooperative"},
    )  # fmt: skip
    event = AuditEvent.objects.get(action="plan.option_add")
    assert event.marking == Marking.S and "Renk" in event.summary


def test_assigning_a_section_checks_the_person_and_takes_access_back_from_the_previous_one():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    section = plan.sections.get(key="target_assessment")
    for bad in (
        UserFactory(role=roles.API_CLIENT),
        UserFactory(role=roles.ANALYST, is_active=False),
        UserFactory(role=roles.ANALYST, clearance=Marking.U),
    ):
        if bad.clearance == Marking.U:
            section.marking = Marking.C
            section.save(update_fields=["marking"])
        with pytest.raises(Invalid):
            services.section_assign(actor=lead, section=section, assignee=bad)
    first, second = UserFactory(role=roles.ANALYST), UserFactory(role=roles.ANALYST)
    services.section_assign(actor=lead, section=section, assignee=first)
    assert can(first, "view", plan)
    services.section_assign(actor=lead, section=section, assignee=second)
    first.__dict__.pop("_apc_perm_checker", None)
    assert not can(first, "view", Plan.objects.get(pk=plan.pk))
    assert can(second, "view", plan)


def test_an_option_removed_meanwhile_is_not_brought_back_by_an_edit():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    data = {"target_group": group("victims"), "stage": stage("latent"),
            "custom_measure": "Safe havens", "stance": "cooperative"}  # fmt: skip
    option = services.option_add(actor=lead, plan=plan, data=data)
    services.option_remove(actor=lead, option=option)
    with pytest.raises(Conflict):
        services.option_update(actor=lead, option=option, data=data)
    assert not plan.options.exists()


def test_a_plan_is_red_teamed_before_the_deputies_see_it():
    lead = directorate(is_directorate_lead=True)
    plan = _on_review(make_plan(owner=lead, reviewer=False), lead)
    with pytest.raises(Invalid) as refused:
        services.plan_transition(actor=lead, plan=plan, action="submit_deputies")
    assert "red_team" in refused.value.errors


def test_the_assignee_of_the_policy_options_builds_the_matrix_but_not_other_sections():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan(owner=lead)
    analyst = UserFactory(role=roles.ANALYST)
    services.section_assign(
        actor=lead, section=plan.sections.get(key="policy_options"), assignee=analyst
    )
    analyst.__dict__.pop("_apc_perm_checker", None)
    data = {"target_group": group("victims"), "stage": stage("latent"),
            "custom_measure": "Safe havens", "stance": "cooperative"}  # fmt: skip
    services.option_add(actor=analyst, plan=plan, data=data)
    assert not can(analyst, "edit", plan.sections.get(key="target_assessment"))
    assert can(analyst, "edit", plan.sections.get(key="policy_options"))


def test_seizure_of_assets_counts_as_sanctions():
    tool = Tool.objects.get(name__istartswith="Seizure of assets")
    assert tool.is_sanctions


def test_one_open_plan_of_a_kind_per_country_in_the_database():
    plan = make_plan(owner=directorate(is_directorate_lead=True))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            country=plan.country, kind=plan.kind, title="Twin", owner=plan.owner, lead=plan.lead
        )


def test_a_tier_change_opens_the_plan_with_its_assessment_tasks_and_approval_closes_them():
    lead = directorate(is_directorate_lead=True)
    chair = UserFactory(role=roles.CO_CHAIR)
    watchlist.tier_change(
        country=country("NGA"), to_tier="high_rising", rationale="Killings.", actor=chair
    )
    plan = Plan.objects.get(country_id="NGA", kind="response")
    subtasks = {t.kind: t.assigned_agency.code for t in plan.task.subtasks.all()}
    sections = {s.key: s.assigned_agency.code for s in plan.sections.all()}
    for key in ("target_assessment", "atrocities_estimate", "policy_options"):
        assert sections[key] == subtasks[key]
    reviewer = UserFactory(role=roles.RED_TEAM)
    plan = _on_review(plan, lead)
    services.reviewer_assign(actor=lead, plan=plan, reviewer=reviewer)
    plan = services.plan_transition(actor=lead, plan=plan, action="submit_deputies")
    services.plan_transition(
        actor=UserFactory(role=roles.DEPUTIES), plan=plan, action="approve_deputies"
    )
    assert set(PlanTask.objects.filter(country_id="NGA").values_list("status", flat=True)) == {
        "done"
    }


def test_administrators_rename_a_stage_but_not_its_key_or_place(client):
    """Issue 6: escalation stages are "an ordered list ... that administrators can rename"."""
    from plans.models import EscalationStage

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    stage_row = EscalationStage.objects.get(key="acute")
    url = f"/admin/plans/escalationstage/{stage_row.pk}/change/"
    response = client.post(url, {"name": "Mass atrocities under way", "key": "x", "position": 1})
    assert response.status_code == 302
    stage_row.refresh_from_db()
    assert (stage_row.name, stage_row.key, stage_row.position) == (
        "Mass atrocities under way",
        "acute",
        4,
    )
    assert AuditEvent.objects.filter(action="admin.change", object_type="plans.escalationstage")
    assert client.get("/admin/plans/escalationstage/add/").status_code == 403
    tool = Tool.objects.order_by("pk").first()
    assert client.get(f"/admin/plans/tool/{tool.pk}/change/").status_code == 200  # read-only
