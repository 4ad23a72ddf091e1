"""The meeting packet (PDF): agenda, country summaries, open action items, marked on every page.

Source: issue 5, "Outputs": "A meeting packet as PDF (agenda, country summaries, open action
items, markings on every page)"; "Tests that must exist": "the PDF is produced and has every
page marked".
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apc.core import roles
from apc.core.markings import Marking
from apc.meetings.models import AgendaItem
from apc.meetings.packet import render_packet
from apc.models import AuditEvent
from tests.factories import UserFactory, country, ensure_reference_data
from tests.meetings.matrix_api import action_item, agency, meeting_in
from watchlist.models import Country, TierChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_reference_data()


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def meeting():
    """A locked agenda long enough for several pages, with content at every marking."""
    sudan = country("SDN")
    Country.objects.filter(pk="SDN").update(tier="high_rising", priority=90)
    Country.objects.filter(pk="MMR").update(marking=Marking.S, tier="moderate")
    chair = UserFactory(role=roles.CO_CHAIR)
    TierChange.objects.create(
        country=sudan,
        from_tier="moderate",
        to_tier="high_rising",
        effective=timezone.localdate() - dt.timedelta(days=20),
        rationale="Mass atrocities reported in El Geneina.",
        decided_by=chair,
        decided_by_agency=chair.agency,
    )
    m = meeting_in(7, status="agenda_locked")
    AgendaItem.objects.create(
        meeting=m,
        section=AgendaItem.Section.RISK,
        position=1,
        title="Sudan: high and rising",
        country=sudan,
        presenter_agency=agency("state"),
        minutes_allocated=30,
        entries=[
            {"type": "note", "marking": "U", "text": f"Open-source report number {i} on Darfur"}
            for i in range(60)
        ]
        + [
            {"type": "note", "marking": "C", "text": "Embassy cable on displacement"},
            {"type": "note", "marking": "S", "text": "PELICAN source reporting"},
        ],
    )
    AgendaItem.objects.create(
        meeting=m,
        section=AgendaItem.Section.RISK,
        position=2,
        title="Myanmar: moderate concern",
        country_id="MMR",
        marking=Marking.S,
    )
    for i in range(30):
        action_item(text=f"Open action number {i}: coordinate donor response")
    action_item(text="KESTREL follow-up", marking=Marking.S)
    action_item(text="Closed action ZEPHYR", status="done")
    return m


def test_every_page_of_the_packet_carries_its_highest_marking(meeting):
    reader = UserFactory(role=roles.MEMBER, clearance=Marking.C)
    packet = render_packet(reader, meeting)
    assert packet.marking == Marking.C
    texts = pages(packet.pdf)
    assert len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        # at the top and the bottom of the page (margin boxes): twice on each
        assert text.count("CONFIDENTIAL") >= 2, (number, text[:200])
    whole = "\n".join(texts)
    assert "Sudan: high and rising" in whole
    assert "Open-source report number 59 on Darfur" in whole
    assert "Embassy cable on displacement" in whole
    assert "Mass atrocities reported in El Geneina" in whole  # the last tier change
    assert "High and rising" in whole and "Open action number 29" in whole
    # above the reader's clearance: absent everywhere, the secret country's summary too
    for secret in ("PELICAN", "KESTREL", "Myanmar", "SECRET"):
        assert secret not in whole, secret
    assert "ZEPHYR" not in whole  # closed actions are not in the packet


def test_a_reader_cleared_higher_gets_more_and_a_higher_marking(meeting):
    packet = render_packet(UserFactory(role=roles.CO_CHAIR, clearance=Marking.S), meeting)
    assert packet.marking == Marking.S
    texts = pages(packet.pdf)
    assert all(t.count("SECRET") >= 2 for t in texts)
    whole = "\n".join(texts)
    assert "PELICAN" in whole and "KESTREL" in whole and "Myanmar" in whole


def test_the_download_is_audited_and_refused_to_who_may_not_see_the_meeting(client, meeting):
    member = UserFactory(role=roles.MEMBER, clearance=Marking.U)
    client.force_login(member)
    response = client.get(reverse("meeting-packet", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-APC-Classification"] == "UNCLASSIFIED"
    texts = pages(response.content)
    assert all("UNCLASSIFIED" in t for t in texts)
    assert "Embassy cable" not in "\n".join(texts)
    event = AuditEvent.objects.get(action="meeting.packet", actor=member)
    assert event.object_id == str(meeting.pk) and event.marking == Marking.U

    client.force_login(UserFactory(role=roles.ANALYST))
    assert client.get(reverse("meeting-packet", args=[meeting.pk])).status_code == 404


def test_a_member_gets_no_agenda_before_it_is_locked(meeting):
    meeting.status = "scheduled"
    meeting.save(update_fields=["status"])
    whole = "\n".join(pages(render_packet(UserFactory(role=roles.MEMBER), meeting).pdf))
    assert "The agenda is not published yet" in whole
    assert "Open-source report" not in whole
