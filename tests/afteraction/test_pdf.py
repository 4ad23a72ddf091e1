"""An after-action report as PDF (afteraction/pdf.py).

Source: issue 7, "Permanence and handover" ("each report rendered as PDF"; "Exports carry
markings"), and DESIGN.md, "Users" ("a user sees a record only if clearance ≥ marking"; pages
"show a banner with the highest marking they contain"). Each lesson and narrative link carries its
own marking (issue 7, "Markings per report and per lesson").
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from afteraction import selectors, services
from afteraction.document import report_document
from afteraction.models import Report
from afteraction.pdf import pdf_for, reader_document, render_report_pdf
from apc.core import roles
from apc.core.exceptions import NotPermitted
from apc.models import Agency
from tests.afteraction import support as s
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_LESSON = "PELICAN reporting showed the militia commanders were paid from the capital."
OPEN_LESSON = "Mediation by regional leaders ended the violence within weeks."


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    # pypdf may break a line anywhere: compare text with its whitespace squeezed
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def report():
    """A published report (U) with an unclassified tagged lesson, a SECRET lesson, and narrative
    links to an unclassified and a CONFIDENTIAL meeting."""
    writer = s.author()
    report = s.commission(authors=[writer], title="Kenya post-election violence", iso3="KEN")
    s.write(report, writer, summary="Violence after the December 2007 election.")
    s.lesson(
        report,
        writer,
        OPEN_LESSON,
        countries=["KEN"],
        tools=[s.tool("Mediation").pk],
        strategies=[s.strategy("dissuade").pk],
        target_groups=[s.group("decision_makers").pk],
        stages=[s.stage("acute").pk],
        evidence="Annan-led talks; power-sharing accord of 28 February 2008.",
    )
    s.lesson(report, writer, SECRET_LESSON, marking="S", recommendation="Watch the payroll.")
    for marking, level in (("U", "apc"), ("C", "deputies")):
        services.link_add(
            actor=writer,
            report=report,
            kind="meeting",
            record=MeetingFactory(marking=marking, level=level),
        )
    return s.publish(report, writer)


def test_every_page_carries_the_highest_marking_and_each_lesson_its_own(report):
    reader = UserFactory(role=roles.MEMBER, clearance="S")
    pdf = pdf_for(reader, report)
    assert pdf.marking == "S"
    assert pdf.filename == "apc-afteraction-kenya-post-election-violence-r1.pdf"
    text = pages(pdf)
    assert len(text) >= 5
    for number, page in enumerate(text, start=1):
        assert page.count("SECRET") >= 2, f"page {number} is not marked top and bottom"
    body = " ".join(text)
    assert "(U) 4.1 Mediation by regional leaders" in body
    assert "(S) 4.2 PELICAN reporting" in body
    assert "Deputies Committee regular meeting" in body and "(C)" in body
    # tags by name, from the document's natural keys
    assert "Kenya" in body and "Mediation" in body and "Dissuade" in body.title()
    assert "Annan-led talks" in body


def test_a_lesson_above_the_readers_clearance_is_absent(report):
    reader = UserFactory(role=roles.MEMBER, clearance="C")
    pdf = pdf_for(reader, report)
    assert pdf.marking == "C"
    text = pages(pdf)
    for page in text:
        assert page.count("CONFIDENTIAL") >= 2
        assert "SECRET" not in page
    body = " ".join(text)
    assert "PELICAN" not in body and "payroll" not in body
    assert "Mediation by regional leaders" in body
    assert "Deputies Committee regular meeting" in body


def test_an_unclassified_reader_gets_an_unclassified_pdf(report):
    reader = UserFactory(role=roles.ANALYST, clearance="U")
    pdf = pdf_for(reader, report)
    assert pdf.marking == "U"
    body = " ".join(pages(pdf))
    assert "Deputies Committee" not in body and "PELICAN" not in body
    assert "CONFIDENTIAL" not in body and "UNCLASSIFIED" in body


def test_the_pdf_is_the_document_the_reader_may_see(report):
    """pdf_for renders exactly the reader's document: the selectors' lessons, links, events."""
    reader = UserFactory(role=roles.MEMBER, clearance="C")
    doc = reader_document(reader, report)
    assert [x["statement"] for x in doc["lessons"]] == [OPEN_LESSON]
    assert doc == report_document(
        report,
        selectors.lessons_of(reader, report),
        selectors.links_of(reader, report),
        selectors.events_of(reader, report),
    )
    assert render_report_pdf(doc).marking == "C"


def test_who_may_not_see_the_report_gets_no_pdf(report):
    with pytest.raises(NotPermitted):
        pdf_for(UserFactory(role=roles.AUDITOR, clearance="S"), report)
    draft = s.commission(title="Not yet published")
    with pytest.raises(NotPermitted):
        pdf_for(UserFactory(role=roles.MEMBER, clearance="S"), draft)


def _tagged(n: int):
    tags = {
        "countries": ["KEN"],
        "tools": [s.tool("Mediation").pk],
        "strategies": [s.strategy("dissuade").pk],
        "target_groups": [s.group("victims").pk],
        "stages": [s.stage("latent").pk],
        "agencies": [Agency.objects.get(code="state").pk],
    }
    return s.published_report(lessons=[{"statement": f"Lesson {i}.", **tags} for i in range(n)])


def test_the_pdf_reads_the_same_number_of_queries_for_1_or_12_lessons(
    django_assert_num_queries, django_assert_max_num_queries
):
    reader, boss = UserFactory(role=roles.MEMBER, clearance="S"), s.directorate()
    small, large = _tagged(1), _tagged(12)
    # a revision's lessons name their predecessors: one more query, however many
    revision = services.report_revise(actor=boss, report=large, reason="Typo.")
    # the readers' roles and the content types are cached from here on
    pdf_for(reader, small)
    pdf_for(boss, small)
    small, large, revision = (Report.objects.get(pk=r.pk) for r in (small, large, revision))
    with CaptureQueriesContext(connection) as baseline:
        pdf_for(reader, small)
    assert len(baseline) <= 20
    with django_assert_num_queries(len(baseline)):
        pdf_for(reader, large)
    with django_assert_max_num_queries(len(baseline) + 1):
        pdf_for(boss, revision)
