"""A plan, or a version of it, as PDF (plans/pdf.py).

Source: issue 6, "Pages, exports, API": "PDF export of a plan or a version with the marking on
every page and the section markings inline"; "Tests that must exist": "Section-level clearance:
the hidden section is absent from HTML, API and PDF for the lower-cleared user".
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from apc.core import roles
from apc.core.markings import Marking
from apc.models import Agency
from plans import services
from plans.models import PlanSection, PlanVersion
from plans.pdf import render_plan_pdf
from tests.factories import UserFactory
from tests.plans.matrix_api import to_deputies
from tests.plans.support import add_option, add_partner, ensure_plans_reference, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_plans_reference()


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    # pypdf may break a line anywhere: compare text with its whitespace squeezed
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def write(plan, key: str, marking: str, **content: str) -> None:
    PlanSection.objects.filter(plan=plan, key=key).update(
        content=content, marking=marking, status=PlanSection.Status.DRAFTING
    )


@pytest.fixture
def plan():
    """A response plan with content at three markings, options, partners and a messaging lead:
    long enough for several pages."""
    p = make_plan(iso3="SDN")
    write(p, "target_assessment", Marking.S, leadership="PELICAN reporting on the junta")
    write(p, "atrocities_estimate", Marking.C, scale="Thousands at risk in El Fasher")
    write(p, "operations_plan", Marking.U, objectives="Protect civilians in Darfur")
    for i, (target, at) in enumerate(
        [("decision_makers", "latent"), ("perpetrators", "acute"), ("victims", "emerging")] * 4
    ):
        add_option(p, target=target, at=at, measure=f"Measure number {i}", costs="x " * 80)
    add_option(p, target="third_parties", at="escalating", tool_name="Trade sanctions")
    add_partner(p, "Chad", influence="neighbour", engaged=True)
    services.messaging_lead_set(actor=p.owner, plan=p, agency=Agency.objects.get(code="state"))
    p.refresh_from_db()
    return p


def test_the_pdf_is_marked_on_every_page_with_the_highest_marking_shown(plan):
    reader = UserFactory(role=roles.CO_CHAIR)
    result = render_plan_pdf(reader, plan)
    assert result.marking == Marking.S
    assert result.filename == f"apc-plan-{plan.pk}-sdn.pdf"
    assert bytes(result) == result.pdf
    text = pages(result)
    assert len(text) >= 5
    for number, page in enumerate(text, start=1):
        assert page.count("SECRET") >= 2, f"page {number} is not marked top and bottom"
    body = " ".join(text)
    # each section's marking inline at its heading
    assert "(S) 1.1 Target country assessment" in body
    assert "(C) 1.2 Atrocities estimate and impact assessment" in body
    assert "(U) 1.4 Operations plan" in body
    assert "PELICAN reporting on the junta" in body
    # the matrix, partners, messaging lead, checks and history
    assert "Decision makers" in body and "Measure number 0" in body
    assert "Trade sanctions" in body
    assert "Chad" in body and "Department of State" in body
    assert "Guideline checks" in body
    assert "above your clearance" not in body


def test_a_section_above_the_readers_clearance_is_absent_from_the_pdf(plan):
    reader = UserFactory(role=roles.CO_CHAIR, clearance=Marking.C)
    result = render_plan_pdf(reader, plan)
    assert result.marking == Marking.C
    text = pages(result)
    for page in text:
        assert "CONFIDENTIAL" in page
        assert "SECRET" not in page
    body = " ".join(text)
    assert "PELICAN" not in body
    assert "Target country assessment" not in body
    assert "Thousands at risk in El Fasher" in body
    assert "1 section above your clearance is omitted" in body


def test_a_version_pdf_shows_the_frozen_snapshot_as_the_reader_may_see_it(plan):
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    plan = to_deputies(plan)
    version = PlanVersion.objects.get(plan=plan, number=1)
    # the plan moves on after the version was frozen: the PDF shows the version
    PlanSection.objects.filter(plan=plan, key="operations_plan").update(
        content={"objectives": "A later text"}
    )
    reader = UserFactory(role=roles.CO_CHAIR, clearance=Marking.C)
    result = render_plan_pdf(reader, plan, version=version)
    assert result.filename == f"apc-plan-{plan.pk}-sdn-v1.pdf"
    assert result.marking == Marking.C
    text = pages(result)
    for page in text:
        assert "CONFIDENTIAL" in page and "SECRET" not in page
    body = " ".join(text)
    assert "version 1" in body
    assert "Protect civilians in Darfur" in body and "A later text" not in body
    assert "PELICAN" not in body
    assert "1 section above your clearance is omitted" in body
    assert "Measure number 0" in body and "Chad" in body
    assert "Submitted to the Deputies Committee" in body  # the history up to the version
    cleared = render_plan_pdf(UserFactory(role=roles.CO_CHAIR), plan, version=version)
    assert cleared.marking == Marking.S
    assert "PELICAN reporting on the junta" in " ".join(pages(cleared))
