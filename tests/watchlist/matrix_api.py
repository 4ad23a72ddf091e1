"""Permission-matrix rows of the watchlist REST API and the API schema and docs (merged by
tests/test_permission_matrix.py).

Without credentials the API answers 401 (token authentication comes first, so DRF can send a
`WWW-Authenticate: Token` challenge); the docs page is for browsers and sends them to sign in.
Auditors read only the audit trail (DESIGN.md, "Users"): the list refuses them (403) and no
country is visible to them (404). Only co-chairs change tiers; the matrix posts no body, so a
co-chair gets 400 (the tier is missing) where the others get 403 or 404.
"""

from apc.core import roles
from tests.factories import ensure_countries
from tests.test_permission_matrix import ANON, each


def _country(iso3):
    def build(user):
        ensure_countries()
        return [iso3]

    return build


API_ANON = 401
A = roles

TARGETS = {
    "api_country": _country("SDN"),
    "api_unknown_country": lambda user: ["ZZZ"],
}

MATRIX = {
    ("api:watchlist-list", None, "GET"): each(200, anon=API_ANON, **{A.AUDITOR: 403}),
    ("api:watchlist-csv", None, "GET"): each(200, anon=API_ANON, **{A.AUDITOR: 403}),
    ("api:watchlist-detail", "api_country", "GET"): each(200, anon=API_ANON, **{A.AUDITOR: 404}),
    ("api:watchlist-detail", "api_unknown_country", "GET"): each(404, anon=API_ANON),
    ("api:watchlist-tier", "api_country", "POST"): each(
        403, anon=API_ANON, **{A.CO_CHAIR: 400, A.AUDITOR: 404}
    ),
    ("api:watchlist-tier", "api_unknown_country", "POST"): each(
        404, anon=API_ANON, **{A.API_CLIENT: 403}
    ),
    ("api-schema", None, "GET"): each(200, anon=API_ANON),
    ("api-docs", None, "GET"): each(200, **{ANON: 302}),
}

REFUSED_METHODS = {
    "api:watchlist-list": ("POST",),
    "api:watchlist-csv": ("POST",),
    "api:watchlist-detail": ("PUT", "PATCH", "DELETE"),
    "api:watchlist-tier": ("GET",),
    "api-schema": ("POST",),
}
