"""Permission-matrix rows of the plan editor and the playbook pages (merged by
tests/test_permission_matrix.py): every route served by plans/views/editor.py and
plans/views/playbooks.py × every role and anonymous.

Source of the rules: plans/policy.py. A draft plan is seen by the co-chairs and the
directorate (others by grant only: they answer 404); the directorate drafts and manages it; a
co-chair reads (a section read-only, an option read-only) and may change nothing (403). Once the
plan has left draft, its content is frozen: a write answers 409. The matrix posts no body: where
the role may act, a form answers 400 with its errors, or, where every field is optional
(unassign a section, name no messaging lead, remove), the step is done (302). Playbooks are read
by everyone but service accounts and written by the directorate; the catalogue is read by every
signed-in user. Anonymous users are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from plans.models import Plan, Playbook, PlaybookOption
from tests.plans.support import add_option, add_partner, directorate, make_plan, tool
from tests.test_permission_matrix import each

A = roles
DIR = A.DIRECTORATE
CHAIR = A.CO_CHAIR


def _plan(status: str = Plan.Status.DRAFT) -> Plan:
    plan = make_plan()
    if status != Plan.Status.DRAFT:
        Plan.objects.filter(pk=plan.pk).update(status=status)
    return plan


def _section(status: str = Plan.Status.DRAFT, key: str = "target_assessment") -> list[Any]:
    return [_plan(status).pk, key]


def _option(status: str = Plan.Status.DRAFT) -> list[int]:
    return [add_option(_plan(status), tool_name="Dialogue facilitation/mediation").pk]


def _partner(status: str = Plan.Status.DRAFT) -> list[int]:
    return [add_partner(_plan(status), "Kenya", influence="neighbour").pk]


def playbook_with_option() -> PlaybookOption:
    from tests.plans.support import ensure_plans_reference, group, stage

    ensure_plans_reference()
    playbook = Playbook.objects.create(name="Dissuade early", created_by=directorate())
    mediation = tool("Dialogue facilitation/mediation")
    return PlaybookOption.objects.create(
        playbook=playbook,
        target_group=group("decision_makers"),
        stage=stage("latent"),
        tool=mediation,
        stance=mediation.stance,
    )


REVIEW = Plan.Status.RED_TEAM
TARGETS = {
    "ped_section": lambda user: _section(),
    "ped_ops_section": lambda user: _section(key="operations_plan"),
    "ped_section_review": lambda user: _section(REVIEW),
    "ped_plan": lambda user: [_plan().pk],
    "ped_plan_review": lambda user: [_plan(REVIEW).pk],
    "ped_option": lambda user: _option(),
    "ped_option_review": lambda user: _option(REVIEW),
    "ped_partner": lambda user: _partner(),
    "ped_partner_review": lambda user: _partner(REVIEW),
    "ped_playbook": lambda user: [playbook_with_option().playbook_id],
    "ped_playbook_option": lambda user: [playbook_with_option().pk],
    "ped_missing": lambda user: [987654321],
    "ped_missing_section": lambda user: [987654321, "target_assessment"],
}


def plan_role(director: int, chair: int, others: int = 404, anon: int = 302) -> dict[str, int]:
    """The directorate, the co-chairs, and everyone else (who cannot see a draft plan)."""
    return each(others, anon=anon, **{DIR: director, CHAIR: chair})


SEE = plan_role(200, 200)
NOT_API = each(200, **{A.API_CLIENT: 403})
ONLY_DIR = each(403, **{DIR: 200})

MATRIX = {
    # One page per section: the drafting team writes it while a draft, co-chairs read it.
    ("plans:section-edit", "ped_section", "GET"): SEE,
    ("plans:section-edit", "ped_ops_section", "GET"): SEE,
    ("plans:section-edit", "ped_section_review", "GET"): SEE,
    ("plans:section-edit", "ped_missing_section", "GET"): each(404),
    ("plans:section-edit", "ped_section", "POST"): plan_role(400, 403),
    ("plans:section-edit", "ped_section_review", "POST"): plan_role(409, 403),
    ("plans:section-edit", "ped_missing_section", "POST"): each(404),
    # no assignee posted: the section is unassigned
    ("plans:section-assign", "ped_section", "POST"): plan_role(302, 403),
    ("plans:section-assign", "ped_missing_section", "POST"): each(404),
    # The options matrix and its options.
    ("plans:plan-options", "ped_plan", "GET"): SEE,
    ("plans:plan-options", "ped_plan_review", "GET"): SEE,
    ("plans:plan-options", "ped_missing", "GET"): each(404),
    ("plans:option-add", "ped_plan", "GET"): plan_role(200, 403),
    ("plans:option-add", "ped_plan", "POST"): plan_role(400, 403),
    ("plans:option-add", "ped_plan_review", "GET"): plan_role(409, 403),
    ("plans:option-add", "ped_plan_review", "POST"): plan_role(409, 403),
    ("plans:option-add", "ped_missing", "GET"): each(404),
    ("plans:option-edit", "ped_option", "GET"): SEE,
    ("plans:option-edit", "ped_option_review", "GET"): SEE,
    ("plans:option-edit", "ped_option", "POST"): plan_role(400, 403),
    ("plans:option-edit", "ped_option_review", "POST"): plan_role(409, 403),
    ("plans:option-edit", "ped_missing", "GET"): each(404),
    ("plans:option-remove", "ped_option", "POST"): plan_role(302, 403),
    ("plans:option-remove", "ped_option_review", "POST"): plan_role(409, 403),
    ("plans:option-remove", "ped_missing", "POST"): each(404),
    # no playbook chosen: 400
    ("plans:playbook-apply", "ped_plan", "POST"): plan_role(400, 403),
    ("plans:playbook-apply", "ped_plan_review", "POST"): plan_role(409, 403),
    ("plans:playbook-apply", "ped_missing", "POST"): each(404),
    # The operations plan's partners and messaging lead.
    ("plans:partner-add", "ped_plan", "POST"): plan_role(400, 403),
    ("plans:partner-add", "ped_plan_review", "POST"): plan_role(409, 403),
    ("plans:partner-add", "ped_missing", "POST"): each(404),
    ("plans:partner-remove", "ped_partner", "POST"): plan_role(302, 403),
    ("plans:partner-remove", "ped_partner_review", "POST"): plan_role(409, 403),
    ("plans:partner-remove", "ped_missing", "POST"): each(404),
    # no agency posted: no messaging lead is named
    ("plans:messaging-lead", "ped_plan", "POST"): plan_role(302, 403),
    ("plans:messaging-lead", "ped_plan_review", "POST"): plan_role(409, 403),
    ("plans:messaging-lead", "ped_missing", "POST"): each(404),
    # Playbooks: read by all but service accounts, written by the directorate.
    ("plans:playbook-list", None, "GET"): NOT_API,
    ("plans:playbook-new", None, "GET"): ONLY_DIR,
    ("plans:playbook-new", None, "POST"): each(403, **{DIR: 400}),
    ("plans:playbook-detail", "ped_playbook", "GET"): NOT_API,
    # no form named: 400
    ("plans:playbook-detail", "ped_playbook", "POST"): each(403, **{DIR: 400}),
    ("plans:playbook-detail", "ped_missing", "GET"): each(404, **{A.API_CLIENT: 403}),
    ("plans:playbook-option-remove", "ped_playbook_option", "POST"): each(403, **{DIR: 302}),
    ("plans:playbook-option-remove", "ped_missing", "POST"): each(404, **{A.API_CLIENT: 403}),
    # The reference catalogue: every signed-in user.
    ("plans:catalogue", None, "GET"): each(200),
}

REFUSED_METHODS = {
    "plans:section-assign": ("GET",),
    "plans:plan-options": ("POST",),
    "plans:option-remove": ("GET",),
    "plans:playbook-apply": ("GET",),
    "plans:partner-add": ("GET",),
    "plans:partner-remove": ("GET",),
    "plans:messaging-lead": ("GET",),
    "plans:playbook-list": ("POST",),
    "plans:playbook-option-remove": ("GET",),
    "plans:catalogue": ("POST",),
}
