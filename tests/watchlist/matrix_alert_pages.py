"""Permission-matrix rows of the alert channel's pages and the emergency-meeting pages (merged by
tests/test_permission_matrix.py): every route × every role and anonymous.

Source of the rules: watchlist/policy.py and apc/policy.py (issue 4, "Filing": distribution is
the filer, the co-chairs and the directorate, "nobody else, not even other analysts of the same
agency"; APC members once the warning is on a meeting agenda; the review is the deliberation,
for co-chairs and directorate only; "any member may request an emergency meeting"; co-chairs
convene or decline). A record a role may not see answers 404; an action it may not take answers
403; a state that no longer allows the action answers 409; anonymous users are sent to sign in.
The matrix posts no body: where the role may act, a form answers 400 with its errors.
"""

from __future__ import annotations

from typing import Any

from apc import services as apc_services
from apc.core import roles
from apc.models import EmergencyRequest
from tests.factories import MeetingFactory, UserFactory, ensure_reference_data
from tests.test_permission_matrix import each
from watchlist import alerts
from watchlist.models import Country, Warning

A = roles
FILERS = (A.ANALYST, A.MEMBER, A.DIRECTORATE, A.CO_CHAIR)
TRIAGE = (A.DIRECTORATE, A.CO_CHAIR)
REQUESTERS = (A.MEMBER, A.CO_CHAIR)


def _file(filer: Any = None, severity: str = "routine", **extra: Any) -> Warning:
    ensure_reference_data()
    return alerts.warning_file(
        actor=filer or UserFactory(role=A.ANALYST),
        country=Country.objects.get(iso3="SDN"),
        severity=severity,
        title="Militia mobilising in West Darfur",
        narrative="Armed groups are recruiting along ethnic lines.",
        **extra,
    )


def _own_warning(user: Any) -> list[int]:
    """Filed by the calling user when they may file; else by someone else (so: 404)."""
    mine = user is not None and bool(user.roles & set(FILERS))
    return [_file(user if mine else None).pk]


def _agenda_warning(user: Any) -> list[int]:
    warning = _file()
    Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())
    return [warning.pk]


def _acknowledged_warning(user: Any) -> list[int]:
    warning = _file()
    alerts.warning_acknowledge(actor=UserFactory(role=A.DIRECTORATE), warning=warning)
    return [warning.pk]


def _started_review(user: Any) -> list[int]:
    warning = _file()
    alerts.review_start(actor=UserFactory(role=A.DIRECTORATE), review=warning.review)
    return [warning.review.pk]


def _channel_request(user: Any) -> list[int]:
    warning = _file(severity="acute")
    return [EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}").pk]


def _member_request(user: Any, *, own: bool = False) -> list[int]:
    ensure_reference_data()
    mine = own and user is not None and bool(user.roles & set(REQUESTERS))
    req = apc_services.emergency_request_create(
        actor=user if mine else UserFactory(role=A.MEMBER),
        countries=["SDN"],
        reasons="Killings reported in El Geneina.",
        level="apc",
    )
    return [req.pk]


def _raised_request(user: Any) -> list[int]:
    pk = _member_request(user)[0]
    EmergencyRequest.objects.filter(pk=pk).update(level=EmergencyRequest.Level.DEPUTIES)
    return [pk]


def _answered_request(user: Any) -> list[int]:
    pk = _member_request(user)[0]
    EmergencyRequest.objects.filter(pk=pk).update(
        status=EmergencyRequest.Status.DECLINED, decision_note="Not now."
    )
    return [pk]


TARGETS = {
    "alerts_page_warning": lambda user: [_file().pk],
    "alerts_page_own_warning": _own_warning,
    "alerts_page_agenda_warning": _agenda_warning,
    "alerts_page_acknowledged_warning": _acknowledged_warning,
    "alerts_page_missing": lambda user: [987654321],
    "alerts_page_review": lambda user: [_file().review.pk],
    "alerts_page_started_review": _started_review,
    "alerts_page_channel_request": _channel_request,
    "alerts_page_member_request": _member_request,
    "alerts_page_own_request": lambda user: _member_request(user, own=True),
    "alerts_page_raised_request": _raised_request,
    "alerts_page_answered_request": _answered_request,
}

_SEE = {A.CO_CHAIR: 200, A.DIRECTORATE: 200}

MATRIX = {
    # Filing: analysts, members, directorate, co-chairs (an empty POST: 400, nothing filed).
    ("watchlist:warning-file", None, "GET"): each(403, **dict.fromkeys(FILERS, 200)),
    ("watchlist:warning-file", None, "POST"): each(403, **dict.fromkeys(FILERS, 400)),
    # The triage queue: directorate and co-chairs; "my warnings": whoever may file.
    ("watchlist:warning-list", None, "GET"): each(403, **dict.fromkeys(TRIAGE, 200)),
    ("watchlist:warning-mine", None, "GET"): each(403, **dict.fromkeys(FILERS, 200)),
    # One warning: the filer, co-chairs, directorate; not another analyst; members only once
    # it is on an agenda.
    ("watchlist:warning-detail", "alerts_page_warning", "GET"): each(404, **_SEE),
    ("watchlist:warning-detail", "alerts_page_own_warning", "GET"): each(
        404, **dict.fromkeys(FILERS, 200)
    ),
    ("watchlist:warning-detail", "alerts_page_agenda_warning", "GET"): each(
        404, **_SEE, **{A.MEMBER: 200}
    ),
    ("watchlist:warning-detail", "alerts_page_missing", "GET"): each(404),
    # Acknowledgement: the directorate; co-chairs see the warning but do not acknowledge.
    ("watchlist:warning-acknowledge", "alerts_page_warning", "POST"): each(
        404, **{A.DIRECTORATE: 302, A.CO_CHAIR: 403}
    ),
    ("watchlist:warning-acknowledge", "alerts_page_acknowledged_warning", "POST"): each(
        404, **{A.DIRECTORATE: 409, A.CO_CHAIR: 403}
    ),
    ("watchlist:warning-acknowledge", "alerts_page_missing", "POST"): each(404),
    # The review (the deliberation): co-chairs and directorate, never the filer.
    ("watchlist:review-detail", "alerts_page_review", "GET"): each(404, **_SEE),
    ("watchlist:review-detail", "alerts_page_review", "POST"): each(
        404, **{A.CO_CHAIR: 400, A.DIRECTORATE: 400}
    ),
    ("watchlist:review-detail", "alerts_page_missing", "GET"): each(404),
    ("watchlist:review-start", "alerts_page_review", "POST"): each(
        404, **{A.DIRECTORATE: 302, A.CO_CHAIR: 403}
    ),
    ("watchlist:review-start", "alerts_page_started_review", "POST"): each(
        404, **{A.DIRECTORATE: 409, A.CO_CHAIR: 403}
    ),
    # Emergency requests: the list shows each what they may see.
    ("emergency-list", None, "GET"): each(200),
    ("emergency-new", None, "GET"): each(403, **dict.fromkeys(REQUESTERS, 200)),
    ("emergency-new", None, "POST"): each(403, **dict.fromkeys(REQUESTERS, 400)),
    ("emergency-detail", "alerts_page_channel_request", "GET"): each(404, **_SEE),
    ("emergency-detail", "alerts_page_member_request", "GET"): each(404, **_SEE),
    ("emergency-detail", "alerts_page_own_request", "GET"): each(404, **_SEE, **{A.MEMBER: 200}),
    ("emergency-detail", "alerts_page_raised_request", "GET"): each(
        404, **_SEE, **{A.DEPUTIES: 200}
    ),
    ("emergency-detail", "alerts_page_missing", "GET"): each(404),
    # Answering: co-chairs only (no action posted: 400); once answered, 409.
    ("emergency-answer", "alerts_page_channel_request", "POST"): each(
        404, **{A.CO_CHAIR: 400, A.DIRECTORATE: 403}
    ),
    ("emergency-answer", "alerts_page_own_request", "POST"): each(
        404, **{A.CO_CHAIR: 400, A.DIRECTORATE: 403, A.MEMBER: 403}
    ),
    ("emergency-answer", "alerts_page_answered_request", "POST"): each(
        404, **{A.CO_CHAIR: 409, A.DIRECTORATE: 403}
    ),
}

REFUSED_METHODS = {
    "watchlist:warning-list": ("POST",),
    "watchlist:warning-mine": ("POST",),
    "watchlist:warning-detail": ("POST", "PUT", "DELETE"),
    "watchlist:warning-acknowledge": ("GET",),
    "watchlist:review-detail": ("PUT", "DELETE"),
    "watchlist:review-start": ("GET",),
    "emergency-list": ("POST",),
    "emergency-detail": ("POST",),
    "emergency-answer": ("GET",),
}
