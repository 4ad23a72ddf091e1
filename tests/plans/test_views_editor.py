"""The plan editor's pages (plans/views/editor.py): one page per section (written by the drafting
team or the section's assignee while the plan is a draft, read-only for other readers, hidden
above the reader's clearance), the stale save that answers 409 with both texts and loses
nothing, the options matrix and an option's form, applying a playbook, the partners and the
messaging lead.

Source: seeds/000, "Decision Support and Planning" (recommendation 4-2); the issue's "Concurrent
editing" and "Section-level clearance".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apc.core import roles
from apc.core.markings import Marking
from apc.models import Agency, AuditEvent
from plans import services
from plans.models import Option, Partner, Plan, PlanSection, Playbook, PlaybookOption
from tests.factories import UserFactory
from tests.plans.support import (
    add_option,
    add_partner,
    directorate,
    group,
    make_plan,
    stage,
    tool,
)

pytestmark = pytest.mark.django_db

MEDIATION = "Dialogue facilitation/mediation"


@pytest.fixture
def lead():
    return directorate()


@pytest.fixture
def plan(lead):
    return make_plan(owner=lead)


def section_url(plan: Plan, key: str = "target_assessment") -> str:
    return reverse("plans:section-edit", args=[plan.pk, key])


def matrix_url(plan: Plan) -> str:
    return reverse("plans:plan-options", args=[plan.pk])


def login(client, user):
    client.force_login(user)
    return user


def section(plan: Plan, key: str = "target_assessment") -> PlanSection:
    return PlanSection.objects.get(plan=plan, key=key)


def text(response) -> str:
    return response.content.decode()


def mark(plan: Plan, key: str, marking: str) -> None:
    PlanSection.objects.filter(plan=plan, key=key).update(marking=marking)


# --- Section pages --------------------------------------------------------------------------


def test_the_drafting_team_gets_a_form_with_one_field_per_part_of_the_section(client, plan, lead):
    login(client, lead)
    response = client.get(section_url(plan))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.content_names == [
        "basics", "leadership", "support", "opposition", "motivations", "perpetrators",
        "command", "methods", "victims", "leverage",
    ]  # fmt: skip
    html = text(response)
    assert 'name="version" value="0"' in html
    assert "Points of leverage" in html and 'name="status"' in html and 'name="marking"' in html
    assert 'data-testid="plan-nav"' in html


def test_a_co_chair_reads_the_section_without_a_form(client, plan, lead):
    services.section_save(
        actor=lead, section=section(plan), content={"basics": "A fragile federation."},
        status="drafting", marking="U", version=0,
    )  # fmt: skip
    login(client, UserFactory(role=roles.CO_CHAIR))
    response = client.get(section_url(plan))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "A fragile federation." in text(response)
    assert 'data-testid="section-form"' not in text(response)


def test_reading_a_section_is_audited_with_its_marking(client, plan, lead):
    mark(plan, "target_assessment", Marking.C)
    login(client, lead)
    client.get(section_url(plan))
    event = AuditEvent.objects.filter(action="plan.section_view").latest("id")
    assert event.marking == Marking.C
    assert event.actor == lead


def test_the_banner_reflects_the_section_shown(client, plan, lead):
    mark(plan, "target_assessment", Marking.C)
    login(client, lead)
    html = text(client.get(section_url(plan)))
    assert 'data-testid="banner-top">CONFIDENTIAL' in html
    html = text(client.get(section_url(plan, "atrocities_estimate")))
    assert 'data-testid="banner-top">UNCLASSIFIED' in html


def test_saving_a_section(client, plan, lead):
    login(client, lead)
    response = client.post(
        section_url(plan),
        {"basics": "Population 48 million.", "leverage": "Aid.", "status": "drafting",
         "marking": "CUI", "version": 0},
    )  # fmt: skip
    assert response.status_code == 302
    saved = section(plan)
    assert saved.content["basics"] == "Population 48 million."
    assert saved.content["leverage"] == "Aid."
    assert (saved.status, saved.marking, saved.version, saved.updated_by) == (
        "drafting", "CUI", 1, lead,
    )  # fmt: skip
    follow = client.get(response["Location"])
    assert "Target country assessment saved." in text(follow)


def test_a_stale_save_answers_409_with_both_texts_and_loses_nothing(client, plan, lead):
    colleague = directorate(first_name="Dana", last_name="Okafor")
    login(client, lead)
    opened = client.get(section_url(plan)).context["form"]["version"].value()
    assert opened == 0
    # a colleague saves in the meantime
    services.section_save(
        actor=colleague, section=section(plan),
        content={"basics": "Theirs: a federation of 12 states."},
        status="drafting", marking="U", version=0,
    )  # fmt: skip
    response = client.post(
        section_url(plan),
        {"basics": "Mine: 48 million people.", "methods": "Mine: militias.",
         "status": "complete", "marking": "U", "version": opened},
    )  # fmt: skip
    assert response.status_code == 409
    html = text(response)
    # a clear message, and both texts side by side, field by field
    assert "saved by someone else" in html
    assert "Saved by Dana Okafor at" in html and "Your text" in html
    theirs = re.search(r'data-testid="theirs-basics">(.*?)</td>', html, re.S).group(1)
    yours = re.search(r'data-testid="yours-basics">(.*?)</td>', html, re.S).group(1)
    assert "Theirs: a federation of 12 states." in theirs
    assert "Mine: 48 million people." in yours
    assert "Mine: militias." in re.search(r'data-testid="yours-methods">(.*?)</td>', html, re.S)[1]
    # the form holds their latest text and the new version, to merge into
    form = response.context["form"]
    assert form["basics"].value() == "Theirs: a federation of 12 states."
    assert form["version"].value() == 1
    assert form["status"].value() == "complete"  # the writer's choice is kept
    assert 'name="version" value="1"' in html
    # nothing of theirs was overwritten
    assert section(plan).content["basics"] == "Theirs: a federation of 12 states."
    assert section(plan).version == 1
    # merged and saved again on the new version: accepted
    response = client.post(
        section_url(plan),
        {"basics": "Theirs: a federation of 12 states. Mine: 48 million people.",
         "methods": "Mine: militias.", "status": "complete", "marking": "U", "version": 1},
    )  # fmt: skip
    assert response.status_code == 302
    merged = section(plan)
    assert merged.version == 2
    assert merged.content["basics"].endswith("Mine: 48 million people.")


def test_a_race_that_marks_the_section_above_the_writer_gives_back_only_their_text(
    client, plan, monkeypatch
):
    """Between the page's read and the save, a colleague cleared higher saves the section and
    marks it above the writer's clearance: the writer gets their own text back, not theirs."""
    writer = login(client, directorate(clearance=Marking.C))
    colleague = directorate()
    original = services.section_save

    def save_in_between(**kwargs):
        target = section(plan)
        original(
            actor=colleague, section=target, content={"basics": "Secret detail."},
            status="drafting", marking="S", version=0,
        )  # fmt: skip
        return original(**kwargs)

    monkeypatch.setattr("plans.views.editor.services.section_save", save_in_between)
    response = client.post(
        section_url(plan),
        {"basics": "Mine, unclassified.", "status": "drafting", "marking": "U", "version": 0},
    )
    assert response.status_code == 409
    html = text(response)
    assert "Mine, unclassified." in html and "Secret detail." not in html
    assert 'data-testid="banner-top">UNCLASSIFIED' in html
    assert writer.clearance == Marking.C


def test_an_invalid_save_answers_400_and_changes_nothing(client, plan, lead):
    login(client, lead)
    response = client.post(
        section_url(plan), {"basics": "x", "status": "finished", "marking": "U", "version": 0}
    )
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in text(response)
    assert section(plan).version == 0


def test_marking_above_ones_clearance_is_refused(client, plan):
    writer = login(client, directorate(clearance=Marking.CUI))
    assert writer.clearance == Marking.CUI
    response = client.post(
        section_url(plan), {"basics": "x", "status": "drafting", "marking": "S", "version": 0}
    )
    assert response.status_code == 400
    assert section(plan).version == 0


def test_a_plan_out_of_draft_is_read_only_and_a_save_answers_409(client, plan, lead):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    login(client, lead)
    response = client.get(section_url(plan))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "it is edited only as a draft" in text(response)
    response = client.post(
        section_url(plan), {"basics": "x", "status": "drafting", "marking": "U", "version": 0}
    )
    assert response.status_code == 409
    assert section(plan).version == 0


def test_a_section_above_the_readers_clearance_is_hidden(client, plan):
    mark(plan, "target_assessment", Marking.S)
    reader = login(client, UserFactory(role=roles.CO_CHAIR, clearance=Marking.C))
    assert client.get(section_url(plan)).status_code == 404
    denied = AuditEvent.objects.filter(actor=reader).latest("id")
    assert denied.outcome != "allowed"
    # the rest of the plan stays: another section, the matrix; the nav does not list it
    response = client.get(section_url(plan, "atrocities_estimate"))
    assert response.status_code == 200
    assert reverse("plans:section-edit", args=[plan.pk, "target_assessment"]) not in text(response)
    assert client.get(matrix_url(plan)).status_code == 200


def test_the_assignee_writes_their_section(client, plan, lead):
    odni = Agency.objects.get(code="odni")
    analyst = UserFactory(role=roles.MEMBER, agency=odni, first_name="Ari", last_name="Levin")
    login(client, lead)
    page = client.get(section_url(plan))
    assert "Ari Levin" in text(page)  # offered: someone of the section's agency
    response = client.post(
        reverse("plans:section-assign", args=[plan.pk, "target_assessment"]),
        {"assignee": analyst.pk},
    )
    assert response.status_code == 302
    assert section(plan).assignee == analyst
    login(client, analyst)
    assert client.get(section_url(plan)).context["form"] is not None
    response = client.post(
        section_url(plan), {"basics": "From ODNI.", "status": "complete", "marking": "U",
                            "version": 0},
    )  # fmt: skip
    assert response.status_code == 302
    assert section(plan).content["basics"] == "From ODNI."
    # but only their own section
    assert client.get(section_url(plan, "atrocities_estimate")).context["form"] is None


def test_assigning_someone_outside_the_sections_agency_is_refused(client, plan, lead):
    stranger = UserFactory(role=roles.MEMBER, agency=Agency.objects.get(code="treasury"))
    login(client, lead)
    response = client.post(
        reverse("plans:section-assign", args=[plan.pk, "target_assessment"]),
        {"assignee": stranger.pk},
    )
    assert response.status_code == 400
    assert section(plan).assignee is None


def test_the_sections_red_team_findings_are_shown(client, plan, lead):
    reviewer = UserFactory(role=roles.RED_TEAM)
    plan.findings.create(section_key="target_assessment", reviewer=reviewer, text="Sources thin.")
    plan.findings.create(section_key="operations_plan", reviewer=reviewer, text="No end state.")
    login(client, lead)
    html = text(client.get(section_url(plan)))
    assert "Sources thin." in html and "No end state." not in html


def test_the_policy_options_section_links_to_the_matrix(client, plan, lead):
    login(client, lead)
    html = text(client.get(section_url(plan, "policy_options")))
    assert 'data-testid="matrix-link"' in html and matrix_url(plan) in html


# --- The options matrix and options ---------------------------------------------------------


def test_the_matrix_is_a_grid_of_groups_by_stages(client, plan, lead):
    option = add_option(plan, target="victims", at="acute", tool_name=MEDIATION)
    login(client, lead)
    response = client.get(matrix_url(plan))
    assert response.status_code == 200
    html = text(response)
    assert "<caption>" in html
    assert html.count('<th scope="row">') == 4
    for name in ("Latent", "Emerging", "Escalating", "Acute"):
        assert f'<th scope="col">{name}</th>' in html
    cell = re.search(r'data-testid="cell-victims-acute">(.*?)</td>', html, re.S).group(1)
    assert MEDIATION in cell and reverse("plans:option-edit", args=[option.pk]) in cell
    assert reverse("plans:option-remove", args=[option.pk]) in cell
    assert "target_group=perpetrators&amp;stage=emerging" in html
    assert "to improve their chances of survival" in html  # the group's purpose
    assert 'data-testid="no-playbooks"' in html  # none to apply yet
    assert AuditEvent.objects.filter(action="plan.section_view", actor=lead).exists()


def test_a_co_chair_reads_the_matrix_without_controls(client, plan):
    add_option(plan, tool_name=MEDIATION)
    login(client, UserFactory(role=roles.CO_CHAIR))
    html = text(client.get(matrix_url(plan)))
    assert MEDIATION in html
    assert "Add option" not in html and "Apply a playbook" not in html


def test_the_matrix_is_hidden_when_the_options_section_is_above_clearance(client, plan):
    add_option(plan, tool_name=MEDIATION)
    option = plan.options.get()
    mark(plan, "policy_options", Marking.S)
    login(client, UserFactory(role=roles.DIRECTORATE, clearance=Marking.C))
    response = client.get(matrix_url(plan))
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="matrix-hidden"' in html
    assert MEDIATION not in html and 'data-testid="matrix"' not in html
    assert client.get(reverse("plans:option-edit", args=[option.pk])).status_code == 404
    assert client.get(reverse("plans:option-add", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:option-remove", args=[option.pk])).status_code == 404
    assert plan.options.exists()


def test_adding_an_option_from_the_catalogue(client, plan, lead):
    login(client, lead)
    url = reverse("plans:option-add", args=[plan.pk])
    page = client.get(url, {"target_group": "perpetrators", "stage": "emerging"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form["target_group"].value() == "perpetrators" and form["stage"].value() == "emerging"
    html = text(page)
    assert '<optgroup label="Genocide Prevention Task Force 2008, Table 1">' in html
    assert '<optgroup label="USHMM 2023, Annex C">' in html
    mediation = tool(MEDIATION)
    response = client.post(
        url,
        {"target_group": "perpetrators", "stage": "emerging", "tool": mediation.pk,
         "strategy": "dissuade", "expected_effect": "Talks.", "counter_moves": "Stalling."},
    )  # fmt: skip
    assert response.status_code == 302
    option = plan.options.get()
    assert option.tool == mediation and option.stance == mediation.stance  # from the tool
    assert option.target_group.key == "perpetrators" and option.strategy.key == "dissuade"


def test_adding_a_custom_measure(client, plan, lead):
    login(client, lead)
    response = client.post(
        reverse("plans:option-add", args=[plan.pk]),
        {"target_group": "victims", "stage": "acute", "custom_measure": "Safe corridors",
         "stance": "cooperative", "enforcer": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert plan.options.get().label == "Safe corridors"


def test_an_option_needs_a_tool_or_a_measure_and_a_cell(client, plan, lead):
    login(client, lead)
    response = client.post(reverse("plans:option-add", args=[plan.pk]), {"stage": "acute"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["tool"] == ["Choose a tool of the catalogue or describe a measure."]
    assert "target_group" in errors
    assert not plan.options.exists()
    response = client.post(
        reverse("plans:option-add", args=[plan.pk]),
        {"target_group": "victims", "stage": "acute", "custom_measure": "Safe corridors"},
    )
    assert response.status_code == 400
    assert "stance" in response.context["form"].errors  # no tool to take it from


def test_editing_and_removing_an_option(client, plan, lead):
    option = add_option(plan, tool_name=MEDIATION)
    login(client, lead)
    url = reverse("plans:option-edit", args=[option.pk])
    page = client.get(url)
    assert page.context["form"]["tool"].value() == option.tool_id
    response = client.post(
        url,
        {"target_group": "third_parties", "stage": "escalating", "tool": option.tool_id,
         "costs": "High."},
    )  # fmt: skip
    assert response.status_code == 302
    option.refresh_from_db()
    assert (option.target_group.key, option.stage.key, option.costs) == (
        "third_parties", "escalating", "High.",
    )  # fmt: skip
    response = client.post(url, {"target_group": "third_parties", "stage": "escalating"})
    assert response.status_code == 400
    option.refresh_from_db()
    assert option.costs == "High."
    response = client.post(reverse("plans:option-remove", args=[option.pk]))
    assert response.status_code == 302
    assert not plan.options.exists()


def test_a_co_chair_reads_an_option_but_cannot_change_it(client, plan):
    option = add_option(plan, tool_name=MEDIATION)
    login(client, UserFactory(role=roles.CO_CHAIR))
    url = reverse("plans:option-edit", args=[option.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert 'data-testid="option-detail"' in text(response)
    assert client.post(url, {"target_group": "victims"}).status_code == 403
    assert client.post(reverse("plans:option-remove", args=[option.pk])).status_code == 403
    assert plan.options.exists()


def test_options_are_frozen_out_of_draft(client, plan, lead):
    option = add_option(plan, tool_name=MEDIATION)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED_DEPUTIES)
    login(client, lead)
    assert client.get(reverse("plans:option-add", args=[plan.pk])).status_code == 409
    response = client.post(reverse("plans:option-remove", args=[option.pk]))
    assert response.status_code == 409
    assert "edited only as a draft" in text(response)
    assert plan.options.exists()


def test_applying_a_playbook_then_adapting_an_applied_option(client, plan, lead):
    playbook = Playbook.objects.create(name="Protect civilians", created_by=lead)
    for target, at in (("victims", "escalating"), ("perpetrators", "acute")):
        PlaybookOption.objects.create(
            playbook=playbook, target_group=group(target), stage=stage(at),
            tool=tool(MEDIATION), stance="cooperative", expected_effect="Calm.",
        )  # fmt: skip
    login(client, lead)
    assert "Protect civilians" in text(client.get(matrix_url(plan)))
    response = client.post(reverse("plans:playbook-apply", args=[plan.pk]), {"playbook": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("plans:playbook-apply", args=[plan.pk]), {"playbook": playbook.pk}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "2 option(s) added from the playbook" in text(follow)
    applied = plan.options.get(target_group__key="victims")
    assert applied.from_playbook == playbook
    response = client.post(
        reverse("plans:option-edit", args=[applied.pk]),
        {"target_group": "victims", "stage": "acute", "tool": applied.tool_id,
         "expected_effect": "Adapted to this country.", "lead_agency":
         Agency.objects.get(code="state").pk},
    )  # fmt: skip
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.stage.key == "acute"
    assert applied.expected_effect == "Adapted to this country."
    # the playbook itself is unchanged
    assert playbook.options.get(target_group__key="victims").expected_effect == "Calm."


# --- Partners and the messaging lead --------------------------------------------------------


def test_partners_and_the_messaging_lead(client, plan, lead):
    login(client, lead)
    ops = section_url(plan, "operations_plan")
    html = text(client.get(ops))
    assert 'data-testid="no-partners"' in html and "Messaging lead agency" in html
    add = reverse("plans:partner-add", args=[plan.pk])
    response = client.post(add, {"name": "", "influence": "patron"})
    assert response.status_code == 400
    assert not Partner.objects.exists()
    response = client.post(
        add,
        {"name": "Neighbouria", "influence": "neighbour",
         "engaged": "on", "role": "Border monitoring."},
    )  # fmt: skip
    assert response.status_code == 302
    partner = plan.partners.get()
    assert (partner.influence, partner.engaged) == ("neighbour", True)
    html = text(client.get(ops))
    assert "Neighbouria" in html and "Neighbour</span>" in html
    state = Agency.objects.get(code="state")
    response = client.post(
        reverse("plans:messaging-lead", args=[plan.pk]), {"messaging_lead": state.pk}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.messaging_lead == state
    assert f"{state.name} is the single messaging lead." in text(client.get(ops))
    response = client.post(reverse("plans:partner-remove", args=[partner.pk]))
    assert response.status_code == 302
    assert not plan.partners.exists()


def test_a_co_chair_sees_partners_without_controls(client, plan):
    add_partner(plan, "Patronia", influence="patron", engaged=False)
    login(client, UserFactory(role=roles.CO_CHAIR))
    html = text(client.get(section_url(plan, "operations_plan")))
    assert "Patronia" in html and "Patron of the perpetrators" in html
    assert "Add partner" not in html and "Name the messaging lead" not in html


def test_partners_are_hidden_with_the_operations_plan(client, plan):
    partner = add_partner(plan, "Patronia", influence="patron")
    mark(plan, "operations_plan", Marking.S)
    login(client, UserFactory(role=roles.DIRECTORATE, clearance=Marking.C))
    assert client.get(section_url(plan, "operations_plan")).status_code == 404
    assert client.post(reverse("plans:partner-remove", args=[partner.pk])).status_code == 404
    response = client.post(
        reverse("plans:partner-add", args=[plan.pk]),
        {"name": "X", "influence": "none"},
    )
    assert response.status_code == 404
    assert plan.partners.count() == 1


def test_a_prevention_plan_has_one_section_with_its_matrix_and_partners(client, lead):
    prevention = make_plan(Plan.Kind.PREVENTION, owner=lead)
    login(client, lead)
    response = client.get(section_url(prevention, "prevention_plan"))
    assert response.status_code == 200
    html = text(response)
    assert "Pre-crisis prevention initiatives" in html
    assert 'data-testid="matrix-link"' in html and "Add partner" in html
    assert client.get(section_url(prevention, "target_assessment")).status_code == 404
    assert client.get(matrix_url(prevention)).status_code == 200
    assert Option.objects.count() == 0
