"""The plans demo data (plans/demo.py, run by seed_demo after the watchlist's and before the
meetings'): a response plan in draft with partly complete assessments, one approved by the
Deputies and briefed to Congress (red-teamed, rehearsed, versioned), one prevention plan, two
playbooks; seeding twice adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from plans import guidelines
from plans.models import (
    Option,
    Partner,
    Plan,
    PlanEvent,
    PlanVersion,
    Playbook,
    PlaybookOption,
    RedTeamFinding,
    Rehearsal,
)
from tests.factories import ensure_reference_data

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = [Plan, Option, Partner, PlanEvent, PlanVersion, Playbook, PlaybookOption,
              RedTeamFinding, Rehearsal]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


@override_settings(DEBUG=True)
def test_the_plans_demo_is_complete_and_idempotent():
    ensure_reference_data()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Plans demo data: 2 playbooks; Sudan response plan approved" in out.getvalue()
    first = counts()

    assert set(Playbook.objects.values_list("name", flat=True)) == {
        "Dissuade: early diplomatic pressure",
        "Protect: humanitarian access",
    }
    for playbook in Playbook.objects.all():
        assert playbook.options.count() == 5
        assert all(o.tool_id for o in playbook.options.all())  # from the catalogue

    approved = Plan.objects.get(country__iso3="SDN", kind="response")
    assert approved.status == Plan.Status.BRIEFED
    assert approved.congress_briefed_on and approved.congress_committees
    assert approved.owner.username == "directorate"
    assert list(approved.versions.values_list("number", flat=True)) == [1, 2]
    assert list(approved.events.values_list("action", flat=True)) == [
        "complete_assessments", "start_red_team", "submit_deputies", "return_deputies",
        "complete_assessments", "start_red_team", "submit_deputies", "approve_deputies",
        "brief_congress",
    ]  # fmt: skip
    assert approved.events.get(action="approve_deputies").actor.username == "deputies"
    (finding,) = approved.findings.all()
    assert finding.reviewer.username == "redteam" and finding.response
    assert approved.rehearsals.count() == 1
    assert approved.task.status == "done"
    assert approved.sections.get(key="target_assessment").marking == "C"
    results = {c.key: c.ok for c in guidelines.checks(approved)}
    # the after-action demo's lessons bear on it, and an approved plan no longer considers any
    assert results.pop("lessons_considered") is False
    assert all(results.values()), results

    draft = Plan.objects.get(country__iso3="MMR", kind="response")
    assert draft.status == Plan.Status.DRAFT
    statuses = dict(draft.sections.values_list("key", "status"))
    assert statuses == {
        "target_assessment": "complete",
        "atrocities_estimate": "drafting",
        "policy_options": "not_started",
        "operations_plan": "not_started",
    }
    assert draft.options.count() == 5
    draft_checks = {c.key: c.ok for c in guidelines.checks(draft)}
    assert draft_checks["all_target_groups"] is False  # the checks have advice to give

    prevention = Plan.objects.get(country__iso3="COD", kind="prevention")
    assert prevention.status == Plan.Status.APC_REVIEW
    assert prevention.versions.count() == 1

    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
