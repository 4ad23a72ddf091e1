"""Permission-matrix rows of the watchlist's main pages (merged by
tests/test_permission_matrix.py): the dashboard, its CSV export, the country page, the tier
change / proposal form, the profile form and "mark reviewed", for every role and anonymous.

Source of the rules: watchlist/policy.py (DESIGN.md "Users"): everyone who works on the APC's
business reads the watchlist (api_client accounts too; they read the same over REST); auditors
read only the audit trail, so the dashboard refuses them (403) and no country is visible to them
(404). Co-chairs change tiers, the directorate proposes changes; both keep the country's profile
and mark it reviewed. A page a role may not use answers 403, anonymous users are sent to sign in.
"""

from __future__ import annotations

from apc.core import roles
from tests.factories import ensure_countries
from tests.test_permission_matrix import each

A = roles


def _country(iso3: str):
    def build(user):
        ensure_countries()
        return [iso3]

    return build


TARGETS = {
    "country": _country("SDN"),
    "country-lower-case": _country("sdn"),
    "country-unknown": lambda user: ["ZZZ"],
}

# Co-chairs and the directorate keep the country's file; the others may see it but not act.
KEEPERS = {A.CO_CHAIR: 200, A.DIRECTORATE: 200, A.AUDITOR: 404}

MATRIX = {
    ("watchlist:country-list", None, "GET"): each(200, **{A.AUDITOR: 403}),
    ("watchlist:export", None, "GET"): each(200, **{A.AUDITOR: 403}),
    ("watchlist:country-detail", "country", "GET"): each(200, **{A.AUDITOR: 404}),
    ("watchlist:country-detail", "country-lower-case", "GET"): each(200, **{A.AUDITOR: 404}),
    ("watchlist:country-detail", "country-unknown", "GET"): each(404),
    ("watchlist:tier-change", "country", "GET"): each(403, **KEEPERS),
    # An empty POST: the form answers 400 with its errors (nothing changed) to those who may.
    ("watchlist:tier-change", "country", "POST"): each(
        403, **{A.CO_CHAIR: 400, A.DIRECTORATE: 400, A.AUDITOR: 404}
    ),
    ("watchlist:tier-change", "country-unknown", "GET"): each(404),
    ("watchlist:profile", "country", "GET"): each(403, **KEEPERS),
    # An empty POST is a valid profile (nothing flagged, nothing assessed, no owner): saved.
    ("watchlist:profile", "country", "POST"): each(
        403, **{A.CO_CHAIR: 302, A.DIRECTORATE: 302, A.AUDITOR: 404}
    ),
    ("watchlist:review", "country", "POST"): each(
        403, **{A.CO_CHAIR: 302, A.DIRECTORATE: 302, A.AUDITOR: 404}
    ),
    ("watchlist:review", "country-unknown", "POST"): each(404),
}

REFUSED_METHODS = {
    "watchlist:country-list": ("POST",),
    "watchlist:export": ("POST",),
    "watchlist:country-detail": ("POST", "PUT", "DELETE"),
    "watchlist:tier-change": ("PUT", "DELETE"),
    "watchlist:profile": ("PUT", "DELETE"),
    "watchlist:review": ("GET",),
}
