"""The main navigation shows each section to those who may open it, and only once it exists."""

import pytest
from django.urls import NoReverseMatch, reverse

from apc.core import roles
from apc.navigation import sections_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def labels(role):
    return {s["label"]: s["url"] for s in sections_for(UserFactory(role=role), "/")}


def url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role", roles.ALL)
def test_sections_by_role(role):
    got = labels(role)
    assert ("Audit" in got) is (role == roles.AUDITOR)
    assert ("Watchlist" in got) is (role != roles.AUDITOR)
    if url("watchlist:warning-list"):
        triage = role in (roles.DIRECTORATE, roles.CO_CHAIR)
        files = role in (roles.ANALYST, roles.MEMBER)
        assert ("Alerts" in got) is (triage or files)
        if triage:
            assert got["Alerts"] == reverse("watchlist:warning-list")
        elif files:
            assert got["Alerts"] == reverse("watchlist:warning-mine")

    meetings = role in (roles.CO_CHAIR, roles.DIRECTORATE, roles.MEMBER, roles.DEPUTIES)
    assert ("Meetings" in got) is meetings
    if meetings:
        assert got["Meetings"] == reverse("meeting-list")

    plans = role not in (roles.AUDITOR, roles.API_CLIENT)
    assert ("Plans" in got) is plans
    if plans:
        assert got["Plans"] == reverse("plans:plan-list")

    # the after-action repository: every role that works on crises (afteraction/policy.py)
    repository = role not in (roles.AUDITOR, roles.API_CLIENT)
    assert ("After-action" in got) is repository
    if repository:
        assert got["After-action"] == reverse("afteraction:report-list")


def test_a_section_without_pages_is_not_shown(monkeypatch):
    from apc import navigation

    missing = navigation.Section("Elsewhere", (("elsewhere:nothing", None),))
    monkeypatch.setattr(navigation, "SECTIONS", (*navigation.SECTIONS, missing))
    assert url("elsewhere:nothing") is None
    assert "Elsewhere" not in labels(roles.CO_CHAIR)


def test_only_the_most_specific_section_is_current():
    user = UserFactory(role=roles.DIRECTORATE)
    current = [
        s["label"] for s in sections_for(user, reverse("watchlist:warning-list")) if s["current"]
    ]
    assert current == ["Alerts"]
