"""Plans on the APC's agenda and in its decisions (issue 5: the agenda lists "plans awaiting an
APC decision (once plans land)"; decisions are linked "to the country, plan or warning" they
concern). Source: seeds/000, recommendation 4-1 and 4-2."""

from __future__ import annotations

import pytest

from apc.core.exceptions import Invalid
from apc.core.markings import Marking
from apc.meetings import services as meetings
from apc.meetings.agenda import agenda_draft
from plans import services as plans
from plans.models import Plan
from tests.factories import MeetingFactory, UserFactory, country, held_meeting
from watchlist import services as watchlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "chair": UserFactory(role="co_chair"),
        "lead": UserFactory(role="directorate", is_directorate_lead=True),
    }


def _prevention_plan(people, iso3="ETH") -> Plan:
    watchlist.tier_change(
        country=country(iso3), to_tier="moderate", rationale="Rising.", actor=people["chair"]
    )
    return Plan.objects.get(country_id=iso3, kind="prevention")


def test_plans_in_apc_review_are_on_the_draft_agenda(people):
    plan = _prevention_plan(people)
    meeting = MeetingFactory()
    section = next(s for s in agenda_draft(meeting) if s.key == "plans")
    assert section.entries == []
    plan.sections.update(status="complete")
    plans.plan_transition(actor=people["lead"], plan=plan, action="submit_apc")
    section = next(s for s in agenda_draft(meeting) if s.key == "plans")
    assert [e["plan"] for e in section.entries] == [plan.pk]
    assert section.entries[0]["marking"] == Marking.U


def test_a_plan_decision_names_its_plan(people):
    plan = _prevention_plan(people)
    meeting = held_meeting()
    with pytest.raises(Invalid) as refused:
        meetings.decision_record(
            actor=people["chair"], meeting=meeting, kind="plan_decision", text="Approve it."
        )
    assert "plan" in refused.value.errors
    decision = meetings.decision_record(
        actor=people["chair"], meeting=meeting, kind="plan_decision", text="Approve.", plan=plan
    )
    assert decision.plan == plan and decision.country_id == "ETH"
    other = country("SDN")
    with pytest.raises(Invalid):
        meetings.decision_record(
            actor=people["chair"],
            meeting=meeting,
            kind="plan_decision",
            text="Wrong country.",
            plan=plan,
            country=other,
        )
