"""Crisis response plans in a real browser (issue 6, "Tests that must exist": "a directorate user
builds a response plan from a playbook, sees the checks change, submits it; a Deputies user
approves it; the PDF downloads").

The plan is the one Sudan's move to "high and rising" opened by itself (the watchlist demo's
tier change; plans/signals.py), owned by the directorate lead; the playbook is built here through
the services. The demo accounts and the watchlist demo come from `seed_demo`, without the plans
demo (its playbooks and plans) and the meetings demo: these tests build their own.

Every page visited goes through the `app` harness, so each is axe-checked with the CSP enforced
(tests/e2e/conftest.py). Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning"
(recommendation 4-2).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from apc.core import markings
from apc.demo import DEMO_PASSWORD
from apc.models import Agency, User
from plans import services
from plans.models import (
    EscalationStage,
    Plan,
    PlanVersion,
    Playbook,
    RedTeamFinding,
    Strategy,
    TargetGroup,
    Tool,
)

PLAYBOOK = "Dissuade and protect: all four target groups"
# (target group, stage, tool, lead agency, who carries out a coercive threat)
PLAYBOOK_OPTIONS = [
    ("decision_makers", "emerging", "Travel bans", "state", "Department of State (visas)"),
    ("perpetrators", "escalating", "Referral to international courts", "justice", "Justice"),
    ("victims", "escalating", "Increased aid", "usaid", ""),
    ("third_parties", "latent", "Dialogue facilitation/mediation", "state", ""),
]


def _catalogue_only(stdout) -> None:
    """In place of the plans demo: only the reference data it would load after a flush."""
    from django.apps import apps

    from plans.reference_load import load

    if not Tool.objects.exists():
        load(apps)


def seed_without_plans(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], User]:
    """The demo accounts and the watchlist demo (seed_demo, without the plans and meetings
    demos; the tool catalogue loaded); returns a lookup of users by username."""
    import apc.meetings.demo
    import plans.demo

    monkeypatch.setattr(apc.meetings.demo, "seed", lambda stdout: None)
    monkeypatch.setattr(plans.demo, "seed", _catalogue_only)
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def planners(seeded, monkeypatch) -> Callable[[str], User]:
    return seed_without_plans(monkeypatch)


def tool(name: str) -> Tool:
    return Tool.objects.filter(name=name).order_by("source", "position").first()


def build_playbook(staff: User) -> Playbook:
    """A playbook whose options reach the four target groups, mixing cooperative and coercive
    measures, each with its net assessment and counter-moves."""
    playbook = services.playbook_save(
        actor=staff,
        playbook=None,
        name=PLAYBOOK,
        description="Pressure on the leadership and the perpetrators; relief for the victims.",
        strategy=Strategy.objects.get(key="dissuade"),
        stage=EscalationStage.objects.get(key="emerging"),
    )
    for group, stage, name, lead, enforcer in PLAYBOOK_OPTIONS:
        services.playbook_option_add(
            actor=staff,
            playbook=playbook,
            data={
                "target_group": TargetGroup.objects.get(key=group),
                "stage": EscalationStage.objects.get(key=stage),
                "tool": tool(name),
                "lead_agency": Agency.objects.get(code=lead),
                "enforcer": enforcer,
                "expected_effect": "Changes the calculus of those it targets.",
                "costs": "Staff time and diplomatic capital.",
                "risks": "Read as weakness if not followed through.",
                "counter_moves": "Denial and delay.",
                "adaptation": "Escalate to targeted penalties.",
            },
        )
    return playbook


# --- Page helpers (shared with test_plans_done.py) -----------------------------------------


def status_of(page: Page) -> Locator:
    return page.get_by_test_id("plan-status")


def check_of(page: Page, key: str) -> Locator:
    return page.get_by_test_id(f"check-{key}")


def met_checks(page: Page) -> Locator:
    return page.get_by_test_id("checks").locator('[data-ok="ok"]')


def plan_page(app, name: str) -> None:
    """Follow a link of the plan's sub-navigation (Overview, a section, Options matrix...)."""
    app.click_and_wait(
        app.page.get_by_test_id("plan-nav").get_by_role("link", name=name, exact=True)
    )


def open_plan_from_the_list(app, plan: Plan) -> None:
    page = app.page
    app.click_and_wait(page.get_by_role("link", name="Plans", exact=True))
    assert app.path == "/plans/"
    row = page.get_by_test_id(f"plan-{plan.pk}")
    app.click_and_wait(row.get_by_role("link", name=plan.title))
    assert app.path == f"/plans/{plan.pk}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.title)


def take_step(app, action: str, label: str, comment: str = "") -> None:
    """Press a button of "Next steps" (one form per transition open to the user)."""
    form = app.page.get_by_test_id(f"action-{action}")
    if comment:
        form.get_by_label("Comment").fill(comment)
    app.submit(form.get_by_role("button", name=label, exact=True))
    expect(app.page.get_by_role("status")).to_contain_text("The plan is now:")


def write_section(app, title: str, texts: dict[str, str]) -> None:
    """Open a section from the plan's navigation, write its fields, mark it complete, save."""
    page = app.page
    plan_page(app, title)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    form = page.get_by_test_id("section-form")
    for label, text in texts.items():
        form.get_by_label(label, exact=True).fill(text)
    form.get_by_label("Section status").select_option(label="Complete")
    app.submit("Save the section")
    expect(page.get_by_role("status")).to_contain_text(f"{title} saved.")
    expect(page.get_by_test_id("section-status")).to_have_text("Complete")


TARGET_ASSESSMENT = {
    "Political-military, economic and demographic basics": "A military council rules.",
    "Senior leadership": "The council and the commanders around it.",
    "Potential perpetrators and their motivations": "Paramilitary units and allied militias.",
    "Potential victims: identity, number, location, vulnerability": "Communities in Darfur.",
    "Points of leverage": "Foreign patrons, frozen assets, access to markets.",
}
ATROCITIES_ESTIMATE = {
    "Potential scale of violence": "Large-scale killing within months.",
    "Risk to U.S. citizens and property": "Low.",
    "Internal and external migration": "Flight to neighbouring states.",
}
POLICY_OPTIONS = {
    "Summary of the options (the matrix of target group × stage holds them)": (
        "Pressure on the decision makers and the perpetrators, relief for the victims, "
        "mediation through third parties."
    ),
}


def record_finding(app, plan: Plan, section: str, text: str) -> RedTeamFinding:
    page = app.page
    form = page.get_by_test_id("finding-form")
    form.get_by_label("Section of the finding").select_option(label=section)
    form.get_by_label("Finding", exact=True).fill(text)
    app.submit("Record the finding")
    expect(page.get_by_role("status")).to_contain_text("Finding recorded")
    finding = RedTeamFinding.objects.get(plan=plan)
    expect(page.get_by_test_id(f"finding-{finding.pk}")).to_contain_text("Awaits an answer")
    return finding


def answer_finding(app, finding: RedTeamFinding, text: str) -> None:
    page = app.page
    item = page.get_by_test_id(f"finding-{finding.pk}")
    item.get_by_label("Answer", exact=True).fill(text)
    app.submit(item.get_by_role("button", name="Answer the finding"))
    expect(page.get_by_role("status")).to_contain_text("Answer recorded.")
    item = page.get_by_test_id(f"finding-{finding.pk}")
    expect(item).to_contain_text(text)
    expect(item).not_to_contain_text("Awaits an answer")


def download_pdf(app, plan: Plan, tmp_path: Path) -> PdfReader:
    """Download the plan as PDF from its navigation (a download, not a page: nothing to check
    with axe) and read it back."""
    page = app.page
    with page.expect_download() as info:
        page.get_by_test_id("plan-nav").get_by_role("link", name="PDF", exact=True).click()
    download = info.value
    assert re.fullmatch(rf"(apc-)?plan-{plan.pk}(-[a-z0-9-]+)?\.pdf", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return PdfReader(path)


def marked_on_every_page(reader: PdfReader, marking: str) -> None:
    label = markings.label(marking)
    for number, pdf_page in enumerate(reader.pages, start=1):
        text = pdf_page.extract_text()
        assert label in text, f"page {number} of the PDF does not carry {label!r}"


# --- The test -------------------------------------------------------------------------------


def test_a_response_plan_from_a_playbook_to_the_deputies_approval_and_its_pdf(
    app, planners, tmp_path
):
    page = app.page
    lead = planners("directorate")
    plan = Plan.objects.get(country_id="SDN", kind=Plan.Kind.RESPONSE)
    assert (plan.status, plan.owner, plan.lead) == (Plan.Status.DRAFT, lead, lead)
    assert plan.task is not None  # the tier change's plan task, adopted
    playbook = build_playbook(lead)

    # The directorate lead opens the plan: no options yet, so the target groups are not checked.
    app.login("directorate", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    expect(status_of(page)).to_have_text("Draft")
    expect(check_of(page, "all_target_groups")).to_have_attribute("data-ok", "na")
    expect(check_of(page, "all_target_groups")).to_contain_text("No options in the matrix yet.")
    expect(check_of(page, "cooperative_coercive_mix")).to_have_attribute("data-ok", "na")
    met_before = met_checks(page).count()

    # The options matrix: the playbook applied.
    plan_page(app, "Options matrix")
    expect(page.get_by_test_id("matrix")).not_to_contain_text("Travel bans")
    page.get_by_label("Playbook", exact=True).select_option(label=PLAYBOOK)
    app.submit("Add its options to the matrix")
    assert app.path == f"/plans/{plan.pk}/options/#matrix"
    expect(page.get_by_role("status")).to_contain_text(
        f"4 option(s) added from the playbook “{PLAYBOOK}”"
    )
    expect(page.get_by_test_id("cell-decision_makers-emerging")).to_contain_text("Travel bans")
    expect(page.get_by_test_id("cell-perpetrators-escalating")).to_contain_text(
        "Referral to international courts"
    )
    expect(page.get_by_test_id("cell-victims-escalating")).to_contain_text("Increased aid")
    expect(page.get_by_test_id("cell-third_parties-latent")).to_contain_text(
        "Dialogue facilitation/mediation"
    )
    assert plan.options.filter(from_playbook=playbook).count() == 4

    # The checks changed: the four target groups are reached, the measures mixed.
    plan_page(app, "Overview")
    expect(check_of(page, "all_target_groups")).to_have_attribute("data-ok", "ok")
    expect(check_of(page, "all_target_groups")).to_contain_text(
        "Options reach all 4 target groups."
    )
    expect(check_of(page, "cooperative_coercive_mix")).to_have_attribute("data-ok", "ok")
    expect(check_of(page, "credible_threats")).to_have_attribute("data-ok", "ok")
    expect(check_of(page, "net_assessment_and_counter_moves")).to_have_attribute("data-ok", "ok")
    assert met_checks(page).count() >= met_before + 4

    # The three assessments, written and complete; the plan moves on.
    write_section(app, "Target country assessment", TARGET_ASSESSMENT)
    write_section(app, "Atrocities estimate and impact assessment", ATROCITIES_ESTIMATE)
    write_section(app, "Policy options assessment", POLICY_OPTIONS)
    plan_page(app, "Overview")
    take_step(app, "complete_assessments", "Mark the assessments complete")
    expect(status_of(page)).to_have_text("Assessments complete")
    take_step(app, "start_red_team", "Send to red team")
    expect(status_of(page)).to_have_text("Red-team review")

    # The lead assigns a red-team reviewer.
    page.get_by_label("Red-team reviewer").select_option(label="Marcus Feld")
    app.submit("Assign the reviewer")
    assert app.path == f"/plans/{plan.pk}/#red-team"
    expect(page.get_by_test_id("reviewers")).to_contain_text("Marcus Feld (Joint Chiefs)")
    app.logout()

    # The reviewer records a finding; no step of the life cycle is theirs.
    app.login("redteam", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    expect(page.get_by_role("heading", name="Next steps")).to_have_count(0)
    finding = record_finding(
        app,
        plan,
        "Policy options assessment",
        "What if the leadership moves its assets before the travel bans?",
    )
    app.logout()

    # The team answers it and submits the plan: version 1 is frozen.
    app.login("directorate", DEMO_PASSWORD)
    app.goto(f"/plans/{plan.pk}/")
    answer_finding(app, finding, "Asset freezes are prepared in parallel.")
    expect(page.get_by_role("button", name="Approve (Deputies Committee)")).to_have_count(0)
    take_step(app, "submit_deputies", "Submit to the Deputies Committee")
    expect(status_of(page)).to_have_text("Submitted to the Deputies Committee")
    expect(page.get_by_test_id("history")).to_contain_text("Version 1")
    assert PlanVersion.objects.filter(plan=plan, number=1).exists()
    app.logout()

    # The Deputies Committee (not on the drafting team) approves it.
    deputies = planners("deputies")
    assert deputies.pk not in services.drafting_team(plan)
    app.login("deputies", DEMO_PASSWORD)
    open_plan_from_the_list(app, plan)
    take_step(
        app, "approve_deputies", "Approve (Deputies Committee)", comment="Approved as submitted."
    )
    expect(status_of(page)).to_have_text("Approved by the Deputies Committee")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Approve (Deputies Committee)")
    expect(history).to_contain_text("Helen Cho")
    expect(history).to_contain_text("Approved as submitted.")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED_DEPUTIES
    assert plan.events.get(action="approve_deputies").actor == deputies

    # The version the Deputies approved: frozen at the submission.
    app.click_and_wait(history.get_by_role("link", name="Version 1"))
    assert app.path == f"/plans/{plan.pk}/versions/1/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{plan.title}, version 1")
    expect(page.get_by_test_id("section-policy_options")).to_contain_text(
        POLICY_OPTIONS[next(iter(POLICY_OPTIONS))]
    )

    # The PDF downloads, marked on every page.
    reader = download_pdf(app, plan, tmp_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert plan.title in text
    assert "Travel bans" in text
    marked_on_every_page(reader, plan.marking)
    assert re.search(r"Approved by the Deputies Committee", text)
