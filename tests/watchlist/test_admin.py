"""The watchlist in the Django admin: tiers and profile change only through the services; a
marking change is audited and refreshes the ETags (updated_at)."""

import pytest

from apc.models import AuditEvent
from tests.factories import UserFactory, country
from watchlist.models import Country

pytestmark = pytest.mark.django_db


def test_only_the_marking_is_editable_and_its_change_is_audited(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    sdn = country("SDN")
    before = sdn.updated_at
    response = client.post(
        "/admin/watchlist/country/SDN/change/",
        {"marking": "C", "tier": "high_rising", "us_influence": 5, "priority": 999},
    )
    assert response.status_code == 302
    sdn.refresh_from_db()
    assert sdn.marking == "C" and sdn.updated_at > before
    assert sdn.tier is None and sdn.us_influence is None and sdn.priority == 0
    event = AuditEvent.objects.get(action="admin.change", object_id="SDN")
    assert event.changes == {"marking": {"before": "U", "after": "C"}}
    assert not Country.objects.filter(tier__isnull=False).exists()


def test_import_command_uses_the_configured_importer(settings, tmp_path):
    from django.core.management import call_command

    staff = UserFactory(role="directorate", username="importer")
    settings.WATCHLIST_IMPORT_USER = staff.username
    path = tmp_path / "scores.csv"
    path.write_text("ewp_name,risk_1or2.from2025,risk_rank.from2025\nSudan,0.3,1\n")
    call_command("import_risk_scores", str(path), "--source", "EWP", "--vintage", "2025-12-01")
    from watchlist.models import RiskVintage

    assert RiskVintage.objects.get().imported_by == staff
