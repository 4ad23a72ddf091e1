"""Playbooks and the reference catalogue (plans/views/playbooks.py): the directorate maintains
playbooks (reusable packages of options by strategy and stage; recommendation 4-2), everyone
else but service accounts reads them; the catalogue shows the reference data as the documents
print it, each item citing its source table, to every signed-in user."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from apc.core import roles
from plans import reference as ref
from plans.models import Playbook, PlaybookOption, Tool
from tests.factories import UserFactory
from tests.plans.support import directorate, ensure_plans_reference, group, stage, tool

pytestmark = pytest.mark.django_db

MEDIATION = "Dialogue facilitation/mediation"


@pytest.fixture
def lead():
    ensure_plans_reference()
    return directorate()


@pytest.fixture
def playbook(lead):
    pb = Playbook.objects.create(name="Dissuade early", description="For latent crises.",
                                 created_by=lead)  # fmt: skip
    PlaybookOption.objects.create(
        playbook=pb, target_group=group("decision_makers"), stage=stage("latent"),
        tool=tool(MEDIATION), stance="cooperative", expected_effect="Opens talks.",
    )  # fmt: skip
    return pb


def text(response) -> str:
    return response.content.decode()


def detail_url(pb: Playbook) -> str:
    return reverse("plans:playbook-detail", args=[pb.pk])


# --- The list and a new playbook ------------------------------------------------------------


def test_the_directorate_lists_playbooks_and_may_create_one(client, lead, playbook):
    client.force_login(lead)
    response = client.get(reverse("plans:playbook-list"))
    assert response.status_code == 200
    html = text(response)
    assert "Dissuade early" in html and detail_url(playbook) in html
    assert reverse("plans:playbook-new") in html
    assert response.context["playbooks"][0].option_count == 1


@pytest.mark.parametrize("role", [roles.MEMBER, roles.CO_CHAIR, roles.RED_TEAM, roles.AUDITOR])
def test_others_read_playbooks_without_controls(client, playbook, role):
    client.force_login(UserFactory(role=role))
    html = text(client.get(reverse("plans:playbook-list")))
    assert "Dissuade early" in html and reverse("plans:playbook-new") not in html
    response = client.get(detail_url(playbook))
    assert response.status_code == 200
    html = text(response)
    assert MEDIATION in html
    assert "Add an option" not in html and "Edit the playbook" not in html
    assert "Remove" not in html
    assert client.get(reverse("plans:playbook-new")).status_code == 403
    edit = {"form": "playbook", "playbook-name": "X"}
    assert client.post(detail_url(playbook), edit).status_code == 403


def test_service_accounts_do_not_read_playbooks(client, playbook):
    client.force_login(UserFactory(role=roles.API_CLIENT))
    assert client.get(reverse("plans:playbook-list")).status_code == 403
    assert client.get(detail_url(playbook)).status_code == 403


def test_creating_a_playbook(client, lead):
    client.force_login(lead)
    url = reverse("plans:playbook-new")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "strategy": "protect"})
    assert response.status_code == 400
    assert not Playbook.objects.exists()
    response = client.post(
        url, {"name": "Protect civilians", "strategy": "protect", "stage": "acute"}
    )
    pb = Playbook.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(pb)
    assert (pb.strategy.key, pb.stage.key, pb.created_by) == ("protect", "acute", lead)


def test_a_duplicate_name_is_refused(client, lead, playbook):
    client.force_login(lead)
    response = client.post(reverse("plans:playbook-new"), {"name": "Dissuade early"})
    assert response.status_code == 400
    assert Playbook.objects.count() == 1


# --- One playbook ---------------------------------------------------------------------------


def test_the_directorate_edits_a_playbook_and_its_options(client, lead, playbook):
    client.force_login(lead)
    response = client.get(detail_url(playbook))
    html = text(response)
    assert 'data-testid="options-decision_makers-latent"' in html
    assert "Add an option" in html and "Edit the playbook" in html
    assert '<optgroup label="USHMM 2023, Annex C">' in html
    # edit the playbook
    response = client.post(
        detail_url(playbook),
        {"form": "playbook", "playbook-name": "Dissuade early (v2)", "playbook-stage": "latent"},
    )
    assert response.status_code == 302
    playbook.refresh_from_db()
    assert (playbook.name, playbook.stage.key) == ("Dissuade early (v2)", "latent")
    response = client.post(detail_url(playbook), {"form": "playbook", "playbook-name": ""})
    assert response.status_code == 400
    # add an option: a catalogue tool of Annex C, stance given
    sanctions = Tool.objects.get(name="Targeted Sanctions")
    response = client.post(
        detail_url(playbook),
        {"form": "option", "option-target_group": "decision_makers", "option-stage": "emerging",
         "option-tool": sanctions.pk, "option-stance": "coercive",
         "option-enforcer": "Treasury"},
    )  # fmt: skip
    assert response.status_code == 302
    added = playbook.options.get(tool=sanctions)
    assert (added.stage.key, added.stance, added.enforcer) == ("emerging", "coercive", "Treasury")
    # an option without a tool or a measure, or without a stance
    response = client.post(
        detail_url(playbook),
        {"form": "option", "option-target_group": "victims", "option-stage": "acute"},
    )
    assert response.status_code == 400
    assert "tool" in response.context["option_form"].errors
    assert playbook.options.count() == 2
    # remove one
    response = client.post(reverse("plans:playbook-option-remove", args=[added.pk]))
    assert response.status_code == 302
    assert playbook.options.count() == 1


def test_others_cannot_remove_a_playbook_option(client, playbook):
    option = playbook.options.get()
    client.force_login(UserFactory(role=roles.CO_CHAIR))
    response = client.post(reverse("plans:playbook-option-remove", args=[option.pk]))
    assert response.status_code == 403
    assert playbook.options.exists()


# --- The catalogue --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.MEMBER, roles.API_CLIENT, roles.DIRECTORATE])
def test_the_catalogue_lists_every_tool_with_its_source(client, role):
    ensure_plans_reference()
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("plans:catalogue"))
    assert response.status_code == 200
    html = text(response)
    sources = re.findall(r'data-testid="tool" data-source="([^"]+)"', html)
    assert len(sources) == 58 == Tool.objects.count()
    assert sources.count(ref.TASK_FORCE_SOURCE) == len(ref.TASK_FORCE_TOOLS) == 35
    assert sources.count(ref.USHMM_SOURCE) == len(ref.USHMM_TOOLS) == 23
    # each table cites its source
    for source in (ref.TASK_FORCE_SOURCE, ref.USHMM_SOURCE, ref.STRATEGIES_SOURCE,
                   ref.TARGET_GROUPS_SOURCE):  # fmt: skip
        assert f"Source: {source}" in html
    assert ref.TASK_FORCE_TABLE_TITLE in html and ref.USHMM_TABLE_TITLE in html


def test_the_catalogue_prints_table_1_as_printed(client):
    ensure_plans_reference()
    client.force_login(UserFactory(role=roles.MEMBER))
    response = client.get(reverse("plans:catalogue"))
    rows = {row["type"]: row for row in response.context["task_force_rows"]}
    for t in ref.TASK_FORCE_TOOLS:
        assert t.name in [x.name for x in rows[t.type][t.stance]], t.name
    html = text(response)
    for label in ref.TASK_FORCE_TYPE_LABELS.values():
        assert f'<th scope="row">{label}</th>' in html
    # Annex C: definitions and the strategies each supports
    for t in ref.USHMM_TOOLS:
        assert escape(t.definition) in html, t.name
    mediation = re.search(r'<th scope="row">Mediation</th>(.*?)</tr>', html, re.S).group(1)
    assert "Dissuade potential perpetrators" in mediation


def test_the_catalogue_lists_strategies_groups_and_stages(client):
    ensure_plans_reference()
    client.force_login(UserFactory(role=roles.ANALYST))
    response = client.get(reverse("plans:catalogue"))
    html = text(response)
    assert html.count('data-testid="strategy"') == 4
    for s in ref.STRATEGIES:
        assert escape(s.name) in html
        for tool_ in s.tools:
            assert escape(tool_.name) in html
    assert html.count('data-testid="target-group"') == 4
    for g in ref.TARGET_GROUPS:
        assert g.purpose in html
        article = re.search(rf'id="group-{g.key}">(.*?)</article>', html, re.S).group(1)
        measures = re.findall(r"<li>(.*?)</li>", article)
        assert measures == [escape(m.text) for m in g.measures]  # in escalation order
    stages = re.search(r'data-testid="stages">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", stages) == [name for _, name in ref.ESCALATION_STAGES]
