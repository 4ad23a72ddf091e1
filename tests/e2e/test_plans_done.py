"""Issue 6, "Done when", in one browser run: "A country raised to high_rising has a response plan
whose three assessments are written by their assignees, whose options cover the four target
groups from the catalogue, which passes red team, is approved by someone other than its authors,
is marked briefed to Congress, and exports to PDF."

A co-chair raises Nigeria (monitored in the watchlist demo) to "high and rising" on the tier
form, and the draft response plan is there; the directorate lead assigns the three assessments
(to an ODNI analyst, to a Deputies Committee staffer of the NSC, and to herself), each assignee
writes theirs; the lead adds four options from the catalogue, one per target group, and the
guideline check passes; a red-team reviewer records a finding, the lead answers it and submits
the plan; the staffer who wrote a section holds the Deputies role but is not offered the
approval; the Deputies Committee secretariat approves; the lead records the briefing to Congress;
the PDF downloads with the marking on every page.

Every page visited goes through the `app` harness (axe-checked, CSP enforced). Source:
seeds/000_588810f2139c9d78.txt, "Decision Support and Planning" (recommendation 4-2).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apc.demo import DEMO_PASSWORD
from apc.models import Agency, User
from plans import services
from plans.models import Option, Plan, PlanSection
from tests.e2e.test_plans import (
    ATROCITIES_ESTIMATE,
    POLICY_OPTIONS,
    TARGET_ASSESSMENT,
    answer_finding,
    check_of,
    download_pdf,
    marked_on_every_page,
    open_plan_from_the_list,
    plan_page,
    record_finding,
    seed_without_plans,
    status_of,
    take_step,
    write_section,
)
from tests.e2e.test_watchlist import tick
from tests.factories import TEST_PASSWORD, UserFactory
from watchlist.models import Country, PlanTask

# One option per target group, from the catalogue: (group, stage, tool as the select shows it,
# lead agency, who would carry out a coercive threat)
OPTIONS = [
    ("Decision makers", "Emerging", "Travel bans (coercive)", "Department of State",
     "Department of State (visa restrictions)"),
    ("Perpetrators", "Escalating", "Referral to international courts (coercive)",
     "Department of Justice", "Department of Justice"),
    ("Victims", "Escalating", "Increased aid (cooperative)",
     "U.S. Agency for International Development", ""),
    ("Third parties", "Latent", "Dialogue facilitation/mediation (cooperative)",
     "Department of State", ""),
]  # fmt: skip


@pytest.fixture
def planners(seeded, monkeypatch) -> Callable[[str], User]:
    """The demo accounts and the watchlist demo, without the plans demo (test_plans.py)."""
    return seed_without_plans(monkeypatch)


@pytest.fixture
def staffer(planners) -> User:
    """A Deputies Committee staffer of the NSC, who will write the atrocities estimate."""
    return UserFactory(
        username="deputies.staff",
        first_name="Samir",
        last_name="Aziz",
        agency=Agency.objects.get(code="nsc"),
        role="deputies",
    )


def assign(app, section_title: str, person: str) -> None:
    """On a section's page, the lead picks its assignee."""
    page = app.page
    plan_page(app, section_title)
    page.get_by_role("combobox", name="Assignee", exact=True).select_option(label=person)
    app.submit("Assign")
    expect(page.get_by_role("status")).to_contain_text(f"{section_title} is assigned to {person}.")
    expect(page.get_by_test_id("section-assignee")).to_have_text(person)


def add_option(app, group: str, stage: str, tool: str, lead: str, enforcer: str) -> None:
    """From the matrix cell's "Add option" link, an option from the catalogue."""
    page = app.page
    cell_link = page.get_by_role("link", name=f"Add option for {group}, {stage}", exact=True)
    app.click_and_wait(cell_link)
    form = page.get_by_test_id("option-form")
    expect(form.get_by_label("Target group")).to_have_value(
        re.compile(group.lower().replace(" ", "_"))
    )
    form.get_by_label("Tool from the catalogue").select_option(label=tool)
    form.get_by_label("Lead agency").select_option(label=lead)
    form.get_by_label("Expected effect").fill(f"Aimed at the {group.lower()}.")
    if enforcer:
        form.get_by_label("Who would carry out a coercive threat").fill(enforcer)
    app.submit("Add the option")
    name = tool.rsplit(" (", 1)[0]
    expect(page.get_by_role("status")).to_contain_text(f"“{name}” added for {group} ({stage}).")


def test_a_country_raised_to_high_rising_gets_its_plan_written_approved_briefed_and_exported(
    app, planners, staffer, tmp_path
):
    page = app.page
    lead, analyst, deputies = planners("directorate"), planners("analyst.ic"), planners("deputies")
    nigeria = Country.objects.get(iso3="NGA")
    assert nigeria.tier == "monitored" and not Plan.objects.filter(country=nigeria).exists()

    # A co-chair raises Nigeria to "high and rising": its response plan is open, as a draft.
    app.login("cochair.nsc", DEMO_PASSWORD)
    app.goto("/watchlist/NGA/")
    app.click_and_wait(page.get_by_role("link", name="Change the tier"))
    tick(app, "High and rising")
    page.get_by_label("Rationale").fill("Militias mobilise in the Middle Belt.")
    app.submit("Change the tier")
    expect(page.get_by_test_id("current-tier")).to_have_text("High and rising")
    plan = Plan.objects.get(country=nigeria, kind=Plan.Kind.RESPONSE)
    assert plan.task.kind == PlanTask.Kind.RESPONSE_PLAN and plan.owner == lead
    app.click_and_wait(page.get_by_role("link", name=re.compile(r"^Open the plan")))
    assert app.path == f"/plans/{plan.pk}/"
    expect(status_of(page)).to_have_text("Draft")
    expect(page.get_by_test_id("plan-task")).to_contain_text("Crisis response plan task")
    app.logout()

    # The lead assigns the three assessments, and adds an option per target group.
    app.login("directorate", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    expect(check_of(page, "all_target_groups")).to_have_attribute("data-ok", "na")
    assign(app, "Target country assessment", "Tomas Novak")
    assign(app, "Atrocities estimate and impact assessment", "Samir Aziz")
    assign(app, "Policy options assessment", "Priya Raman")
    plan_page(app, "Options matrix")
    for option in OPTIONS:
        add_option(app, *option)
    groups = set(Option.objects.filter(plan=plan).values_list("target_group__key", flat=True))
    assert groups == {"decision_makers", "perpetrators", "victims", "third_parties"}
    assert not Option.objects.filter(plan=plan, tool=None).exists()  # all from the catalogue
    plan_page(app, "Overview")
    expect(check_of(page, "all_target_groups")).to_have_attribute("data-ok", "ok")
    expect(check_of(page, "cooperative_coercive_mix")).to_have_attribute("data-ok", "ok")
    expect(check_of(page, "credible_threats")).to_have_attribute("data-ok", "ok")
    # the lead writes the section assigned to her
    write_section(app, "Policy options assessment", POLICY_OPTIONS)
    app.logout()

    # Each assignee writes their assessment: the analyst from the inbox notice...
    app.login("analyst.ic", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name=re.compile(r"^Inbox\b")))
    app.click_and_wait(
        page.get_by_role("link", name=re.compile("A plan section is assigned to you"))
    )
    app.submit("Open the item")
    assert app.path == f"/plans/{plan.pk}/sections/target_assessment/"
    write_section(app, "Target country assessment", TARGET_ASSESSMENT)
    app.logout()
    # ...the staffer from the plans list.
    app.login("deputies.staff", TEST_PASSWORD)
    open_plan_from_the_list(app, plan)
    write_section(app, "Atrocities estimate and impact assessment", ATROCITIES_ESTIMATE)
    app.logout()
    by_key = {s.key: s for s in plan.sections.all()}
    for key, writer in (
        ("target_assessment", analyst),
        ("atrocities_estimate", staffer),
        ("policy_options", lead),
    ):
        assert by_key[key].status == PlanSection.Status.COMPLETE
        assert by_key[key].assignee == writer and by_key[key].updated_by == writer, key

    # The lead marks the assessments complete, sends the plan to a red-team reviewer.
    app.login("directorate", DEMO_PASSWORD)
    app.goto(f"/plans/{plan.pk}/")
    take_step(app, "complete_assessments", "Mark the assessments complete")
    take_step(app, "start_red_team", "Send to red team")
    expect(status_of(page)).to_have_text("Red-team review")
    page.get_by_label("Red-team reviewer").select_option(label="Marcus Feld")
    app.submit("Assign the reviewer")
    expect(page.get_by_test_id("reviewers")).to_contain_text("Marcus Feld")
    app.logout()

    app.login("redteam", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    finding = record_finding(
        app, plan, "Atrocities estimate and impact assessment", "Who would flee, and where to?"
    )
    app.logout()

    # The lead answers the finding: the plan passes red team and goes to the Deputies.
    app.login("directorate", DEMO_PASSWORD)
    app.goto(f"/plans/{plan.pk}/")
    answer_finding(app, finding, "Mostly across the northern border; the estimate says so now.")
    take_step(app, "submit_deputies", "Submit to the Deputies Committee")
    expect(status_of(page)).to_have_text("Submitted to the Deputies Committee")
    app.logout()

    # The staffer holds the Deputies role but wrote a section: no approval is offered to them.
    assert staffer.pk in services.drafting_team(plan)
    app.login("deputies.staff", TEST_PASSWORD)
    app.goto(f"/plans/{plan.pk}/")
    expect(status_of(page)).to_have_text("Submitted to the Deputies Committee")
    expect(page.get_by_role("button", name="Approve (Deputies Committee)")).to_have_count(0)
    app.logout()

    # The Deputies Committee secretariat, who wrote none of it, approves.
    assert deputies.pk not in services.drafting_team(plan)
    app.login("deputies", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    take_step(app, "approve_deputies", "Approve (Deputies Committee)")
    expect(status_of(page)).to_have_text("Approved by the Deputies Committee")
    app.logout()

    # The lead records the briefing to Congress.
    app.login("directorate", DEMO_PASSWORD)
    app.goto(f"/plans/{plan.pk}/")
    today = timezone.localdate()
    form = page.get_by_test_id("action-brief_congress")
    form.get_by_label("Date of the briefing").fill(today.isoformat())
    form.get_by_label("Committees briefed").fill("Senate Foreign Relations Committee")
    form.get_by_label("Members briefed").fill("The chair and the ranking member")
    take_step(app, "brief_congress", "Record the briefing to Congress")
    expect(status_of(page)).to_have_text("Briefed to Congress")
    congress = page.get_by_test_id("congress")
    expect(congress).to_contain_text("Senate Foreign Relations Committee")
    expect(congress).to_contain_text("The chair and the ranking member")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.BRIEFED and plan.congress_briefed_on == today
    approval = plan.events.get(action="approve_deputies")
    assert approval.actor == deputies and deputies.pk not in services.drafting_team(plan)

    # ...and exports it: the PDF, marked on every page.
    reader = download_pdf(app, plan, tmp_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert plan.title in text
    for _, _, tool, _, _ in OPTIONS:
        assert tool.rsplit(" (", 1)[0] in text
    marked_on_every_page(reader, plan.marking)
