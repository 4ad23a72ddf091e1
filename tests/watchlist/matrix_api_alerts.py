"""Permission-matrix rows of the alert channel's REST API: warnings, policy reviews and emergency
meeting requests (merged by tests/test_permission_matrix.py).

Distribution (issue 4, "Filing"): a warning is seen by its filer, the co-chairs and the
directorate; members only once it is on a meeting agenda; nobody else (404, as for anything a
user may not see). The review is the deliberation: co-chairs and directorate only, never the
filer. Emergency requests (seeds/000, "Crisis Response Structure and Process"): members and
co-chairs request; co-chairs and directorate see them all, the requester their own, the Deputies
secretariat those raised to its level. Service accounts (api_client) never write (403 before
any lookup). The matrix posts no body: whoever may act gets 400 (fields missing).
"""

from datetime import timedelta

from django.utils import timezone

from apc import services as apc_services
from apc.core import roles
from apc.core.permissions import can
from tests.factories import MeetingFactory, UserFactory, country
from watchlist import alerts
from watchlist.models import Warning

API_ANON = 401


def each(status: int, anon: int = API_ANON, **overrides: int) -> dict[str, int]:
    """As tests/test_permission_matrix.each (not imported from there: the test modules of the
    alert channel import this one, and the matrix imports every matrix module)."""
    return {**dict.fromkeys(roles.ALL, status), "anonymous": anon, **overrides}


A = roles
FILERS = (A.ANALYST, A.MEMBER, A.DIRECTORATE, A.CO_CHAIR)


def file_warning(filer=None, *, agenda=False, severity="routine", protected=False):
    """A warning filed through the service (by a fresh analyst unless `filer` is given)."""
    filer = filer or UserFactory(role=A.ANALYST)
    warning = alerts.warning_file(
        actor=filer,
        country=country("SDN"),
        severity=severity,
        title="Militia mobilising near El Fasher",
        narrative="Reports of mobilisation along ethnic lines.",
        identity_protected=protected,
    )
    if agenda:  # placed on a meeting agenda (the meetings issue will own this write)
        Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())
    return warning


def _own_filer(user):
    return user if user is not None and can(user, "alerts.file") else None


def _request(requester=None, *, raised=False):
    requester = requester or UserFactory(role=A.MEMBER)
    country("SDN")
    req = apc_services.emergency_request_create(
        actor=requester, countries=["SDN"], reasons="Mass killings reported."
    )
    if raised:  # unanswered past its deadline: the check raises it to Deputies level
        apc_services.emergency_requests_check(now=timezone.now() + timedelta(days=3))
    return req


def _own_requester(user):
    return user if user is not None and can(user, "emergency.request") else None


TARGETS = {
    "alerts_api_warning": lambda user: [file_warning().pk],
    "alerts_api_agenda_warning": lambda user: [file_warning(agenda=True).pk],
    # the caller's own warning (roles that may not file get someone else's)
    "alerts_api_own_warning": lambda user: [file_warning(_own_filer(user)).pk],
    "alerts_api_review": lambda user: [file_warning().review.pk],
    "alerts_api_own_review": lambda user: [file_warning(_own_filer(user)).review.pk],
    "alerts_api_unknown": lambda user: [987654321],
    "alerts_api_emergency": lambda user: [_request().pk],
    "alerts_api_own_emergency": lambda user: [_request(_own_requester(user)).pk],
    "alerts_api_raised_emergency": lambda user: [_request(raised=True).pk],
}

KEEPERS = {A.CO_CHAIR: 200, A.DIRECTORATE: 200}

MATRIX = {
    # --- warnings ---
    ("api:alerts-list", None, "GET"): each(200, anon=API_ANON),
    ("api:alerts-list", None, "POST"): each(403, anon=API_ANON, **{r: 400 for r in FILERS}),
    ("api:alerts-detail", "alerts_api_warning", "GET"): each(404, anon=API_ANON, **KEEPERS),
    ("api:alerts-detail", "alerts_api_agenda_warning", "GET"): each(
        404, anon=API_ANON, **KEEPERS, **{A.MEMBER: 200}
    ),
    ("api:alerts-detail", "alerts_api_own_warning", "GET"): each(
        404, anon=API_ANON, **{r: 200 for r in FILERS}
    ),
    ("api:alerts-detail", "alerts_api_unknown", "GET"): each(404, anon=API_ANON),
    ("api:alerts-acknowledge", "alerts_api_warning", "POST"): each(
        404, anon=API_ANON, **{A.DIRECTORATE: 200, A.CO_CHAIR: 403, A.API_CLIENT: 403}
    ),
    # the filer sees their warning but does not acknowledge it
    ("api:alerts-acknowledge", "alerts_api_own_warning", "POST"): each(
        404,
        anon=API_ANON,
        **({r: 403 for r in FILERS} | {A.DIRECTORATE: 200, A.API_CLIENT: 403}),
    ),
    ("api:alerts-acknowledge", "alerts_api_unknown", "POST"): each(
        404, anon=API_ANON, **{A.API_CLIENT: 403}
    ),
    # --- policy reviews: the deliberation, never the filer's ---
    ("api:reviews-list", None, "GET"): each(403, anon=API_ANON, **KEEPERS),
    ("api:reviews-detail", "alerts_api_review", "GET"): each(404, anon=API_ANON, **KEEPERS),
    ("api:reviews-detail", "alerts_api_own_review", "GET"): each(404, anon=API_ANON, **KEEPERS),
    ("api:reviews-detail", "alerts_api_unknown", "GET"): each(404, anon=API_ANON),
    ("api:reviews-close", "alerts_api_review", "POST"): each(
        404, anon=API_ANON, **{A.CO_CHAIR: 400, A.DIRECTORATE: 400, A.API_CLIENT: 403}
    ),
    ("api:reviews-close", "alerts_api_own_review", "POST"): each(
        404, anon=API_ANON, **{A.CO_CHAIR: 400, A.DIRECTORATE: 400, A.API_CLIENT: 403}
    ),
    ("api:reviews-close", "alerts_api_unknown", "POST"): each(
        404, anon=API_ANON, **{A.API_CLIENT: 403}
    ),
    # --- emergency meeting requests ---
    ("api:emergency-requests-list", None, "GET"): each(200, anon=API_ANON),
    ("api:emergency-requests-list", None, "POST"): each(
        403, anon=API_ANON, **{A.MEMBER: 400, A.CO_CHAIR: 400}
    ),
    ("api:emergency-requests-detail", "alerts_api_emergency", "GET"): each(
        404, anon=API_ANON, **KEEPERS
    ),
    ("api:emergency-requests-detail", "alerts_api_own_emergency", "GET"): each(
        404, anon=API_ANON, **KEEPERS, **{A.MEMBER: 200}
    ),
    ("api:emergency-requests-detail", "alerts_api_raised_emergency", "GET"): each(
        404, anon=API_ANON, **KEEPERS, **{A.DEPUTIES: 200}
    ),
    ("api:emergency-requests-detail", "alerts_api_unknown", "GET"): each(404, anon=API_ANON),
}

REFUSED_METHODS = {
    # warnings are never edited, deleted or withdrawn; reviews close only by their decision
    "api:alerts-detail": ("PUT", "PATCH", "DELETE"),
    "api:alerts-acknowledge": ("GET",),
    "api:reviews-list": ("POST",),
    "api:reviews-detail": ("PUT", "PATCH", "DELETE"),
    "api:reviews-close": ("GET",),
    "api:emergency-requests-detail": ("PUT", "PATCH", "DELETE"),
}
