"""The committee's membership: two co-chairs, and for each member agency a principal and
alternates; changes are dated and audited. Also the `committee()` helper the other meetings
tests use.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC is
"co-chaired by a senior NSC official" and "by the assistant secretary of state for democracy,
human rights, and labor" and comprises "at a minimum representatives from State, Defense
(including the Joint Chiefs of Staff), the intelligence community, Justice, Treasury, and USAID,
all at the level of assistant secretary".
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.meetings import services
from apc.meetings.dates import committee_today
from apc.meetings.models import Membership
from apc.models import Agency, AuditEvent
from tests.factories import UserFactory, ensure_reference_data

MEMBER_AGENCIES = ("state", "defense", "jcs", "odni", "justice", "treasury", "usaid")


def committee(*, seated: bool = True, since: date | None = None) -> SimpleNamespace:
    """Two co-chairs (NSC and State), directorate staff, and a principal and an alternate for
    each member agency of recommendation 4-1, seated from `since` (a month ago) unless
    `seated=False`."""
    ensure_reference_data()
    agency = {a.code: a for a in Agency.objects.all()}
    c = SimpleNamespace(agency=agency)
    c.chair = UserFactory(role=roles.CO_CHAIR, agency=agency["nsc"], username="chair.nsc")
    c.chair2 = UserFactory(role=roles.CO_CHAIR, agency=agency["state"], username="chair.state")
    c.staff = UserFactory(role=roles.DIRECTORATE, agency=agency["nsc"], is_directorate_lead=True)
    c.principal = {
        code: UserFactory(role=roles.MEMBER, agency=agency[code], username=f"principal.{code}")
        for code in MEMBER_AGENCIES
    }
    c.alternate = {
        code: UserFactory(role=roles.MEMBER, agency=agency[code], username=f"alternate.{code}")
        for code in MEMBER_AGENCIES
    }
    if seated:  # written directly (membership_add itself is tested below)
        since = since or committee_today() - timedelta(days=30)
        seats = [Membership(user=u, agency=u.agency, seat="co_chair") for u in (c.chair, c.chair2)]
        seats += [
            Membership(user=u, agency=u.agency, seat="principal") for u in c.principal.values()
        ]
        seats += [
            Membership(user=u, agency=u.agency, seat="alternate") for u in c.alternate.values()
        ]
        for m in seats:
            m.starts_on, m.created_by = since, c.chair
        Membership.objects.bulk_create(seats)
    return c


# --- tests ------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db

D0, D1, D2 = date(2030, 1, 1), date(2030, 3, 1), date(2030, 6, 1)


@pytest.fixture
def c():
    return committee(seated=False)


def seat(c, user, kind, on):
    return services.membership_add(actor=c.chair, user=user, seat=kind, starts_on=on)


def test_a_new_principal_replaces_the_previous_one_dated_and_audited(c):
    first = seat(c, c.principal["state"], "principal", D0)
    alternate = seat(c, c.alternate["state"], "alternate", D0)
    newcomer = UserFactory(role=roles.MEMBER, agency=c.agency["state"])
    second = seat(c, newcomer, "principal", D1)
    first.refresh_from_db()
    assert (first.ends_on, first.ended_by) == (D1, c.chair)
    assert second.ends_on is None and second.created_by == c.chair
    alternate.refresh_from_db()
    assert alternate.ends_on is None  # alternates stay
    on = {m.user for m in services.seats_on(D1 - timedelta(days=1)).filter(seat="principal")}
    assert on == {c.principal["state"]}
    assert {m.user for m in services.seats_on(D1).filter(seat="principal")} == {newcomer}
    events = AuditEvent.objects.filter(action__startswith="membership.").order_by("id")
    assert [(e.action, e.object_id) for e in events] == [
        ("membership.add", str(first.pk)),
        ("membership.add", str(alternate.pk)),
        ("membership.end", str(first.pk)),
        ("membership.add", str(second.pk)),
    ]
    assert "replaced by" in events[2].summary


def test_a_person_changing_seat_leaves_the_old_one_the_same_day(c):
    old = seat(c, c.alternate["odni"], "alternate", D0)
    principal = seat(c, c.principal["odni"], "principal", D0)
    promoted = seat(c, c.alternate["odni"], "principal", D1)
    old.refresh_from_db()
    principal.refresh_from_db()
    assert old.ends_on == D1 and principal.ends_on == D1 and promoted.ends_on is None
    with pytest.raises(Invalid):  # already holds that seat
        seat(c, c.alternate["odni"], "principal", D2)


def test_at_most_two_co_chairs(c):
    seat(c, c.chair, "co_chair", D0)
    second = seat(c, c.chair2, "co_chair", D0)
    third = UserFactory(role=roles.CO_CHAIR, agency=c.agency["nsc"])
    with pytest.raises(Invalid) as refused:
        seat(c, third, "co_chair", D1)
    assert "two co-chairs" in refused.value.errors["seat"][0]
    services.membership_end(actor=c.chair, membership=second, ends_on=D1)
    assert seat(c, third, "co_chair", D1).ends_on is None
    assert Membership.objects.filter(seat="co_chair", ends_on__isnull=True).count() == 2


def test_seats_need_the_matching_role_and_an_active_account(c):
    analyst = UserFactory(role=roles.ANALYST, agency=c.agency["state"])
    with pytest.raises(Invalid) as refused:
        seat(c, analyst, "principal", D0)
    assert "member role" in refused.value.errors["user"][0]
    with pytest.raises(Invalid) as refused:
        seat(c, c.principal["state"], "co_chair", D0)
    assert "co-chair role" in refused.value.errors["user"][0]
    with pytest.raises(Invalid):
        seat(c, c.principal["state"], "observer", D0)
    gone = UserFactory(role=roles.MEMBER, agency=c.agency["state"], is_active=False)
    with pytest.raises(Invalid):
        seat(c, gone, "alternate", D0)
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "role", [roles.DIRECTORATE, roles.MEMBER, roles.ANALYST, roles.DEPUTIES, roles.AUDITOR]
)
def test_only_co_chairs_manage_the_membership(c, role):
    actor = UserFactory(role=role, agency=c.agency["state"])
    with pytest.raises(NotPermitted):
        services.membership_add(actor=actor, user=c.principal["state"], seat="principal")
    m = seat(c, c.principal["state"], "principal", D0)
    with pytest.raises(NotPermitted):
        services.membership_end(actor=actor, membership=m)
    assert Membership.objects.get(pk=m.pk).ends_on is None


def test_member_agencies_respects_the_dates(c):
    seat(c, c.chair, "co_chair", D0)  # co-chairs do not count as member agencies
    seat(c, c.principal["state"], "principal", D0)
    treasury = seat(c, c.alternate["treasury"], "alternate", D1)
    seat(c, c.principal["usaid"], "principal", D2)

    def codes(day):
        return [a.code for a in services.member_agencies(day)]

    assert codes(D0 - timedelta(days=1)) == []
    assert codes(D0) == ["state"]
    assert codes(D1) == ["state", "treasury"]  # ordered by name
    assert codes(D2) == ["state", "treasury", "usaid"]
    services.membership_end(actor=c.chair, membership=treasury, ends_on=D2 + timedelta(days=10))
    assert codes(D2 + timedelta(days=9)) == ["state", "treasury", "usaid"]
    assert codes(D2 + timedelta(days=10)) == ["state", "usaid"]
    assert AuditEvent.objects.filter(action="membership.end", object_id=str(treasury.pk)).exists()


def test_ending_a_seat_twice_or_before_it_starts_is_refused(c):
    held = seat(c, c.principal["treasury"], "principal", date(2020, 3, 1))  # started long ago
    with pytest.raises(Invalid):
        services.membership_end(actor=c.chair, membership=held, ends_on=date(2020, 1, 1))
    m = seat(c, c.principal["justice"], "principal", D1)
    services.membership_end(actor=c.chair, membership=m, ends_on=D2)
    with pytest.raises(InvalidTransition):
        services.membership_end(actor=c.chair, membership=m, ends_on=D2)


def test_the_committee_helper_seats_every_member_agency_of_recommendation_4_1():
    c = committee()
    agencies = [a.code for a in services.member_agencies()]
    assert sorted(agencies) == sorted(MEMBER_AGENCIES)
    chairs = services.seats_on().filter(seat="co_chair")
    assert {m.user for m in chairs} == {c.chair, c.chair2}
    recipients = {u.pk for u in services.committee_recipients()}
    assert c.principal["state"].pk in recipients and c.staff.pk in recipients
