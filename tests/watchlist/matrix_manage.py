"""Permission-matrix rows of the watchlist's management pages (merged by
tests/test_permission_matrix.py): every route × every role and anonymous.

Source of the rules: watchlist/policy.py (DESIGN.md "Users"): co-chairs decide proposals;
directorate staff propose, keep the indicator catalogue, import risk scores and update
surveillance requests; analysts and directorate record observations; staff of the agency a
surveillance request is addressed to may follow and update it. A record a role may not see
answers 404; an action it may not take answers 403; anonymous users are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from apc.models import Agency
from tests.factories import IndicatorFactory, UserFactory, ensure_reference_data
from watchlist import services
from watchlist.models import Country, MonitoredIndicator, SurveillanceRequest, TierChange

ANON = "anonymous"
EVERY = (*roles.ALL, ANON)
# Roles that read the watchlist's HTML pages (api_client reads it over REST, auditors do not).
STAFF = (
    roles.CO_CHAIR,
    roles.MEMBER,
    roles.DIRECTORATE,
    roles.ANALYST,
    roles.RED_TEAM,
    roles.DEPUTIES,
    roles.PRINCIPALS,
)


def rows(default: int, anon: int = 302, **overrides: int) -> dict[str, int]:
    table = {role: default for role in roles.ALL}
    table[ANON] = anon
    table.update(overrides)
    return table


def _country(iso3: str = "SDN") -> Country:
    ensure_reference_data()
    return Country.objects.get(iso3=iso3)


def _proposal(user: Any, *, own: bool = False) -> int:
    mine = own and user is not None and roles.DIRECTORATE in user.roles
    proposer = user if mine else UserFactory(role=roles.DIRECTORATE)
    proposal = services.tier_propose(
        country=_country(),
        to_tier="moderate",
        rationale="Hate speech against a minority is rising.",
        actor=proposer,
    )
    return proposal.pk


def _monitored(iso3: str) -> int:
    monitored = MonitoredIndicator.objects.create(
        country=_country(iso3), indicator=IndicatorFactory()
    )
    return monitored.pk


def _surveillance(agency: Agency | None = None) -> int:
    chair = UserFactory(role=roles.CO_CHAIR)
    country = _country()
    change = TierChange.objects.create(
        country=country,
        to_tier="high_rising",
        rationale="Mass killings reported.",
        decided_by=chair,
        decided_by_agency=chair.agency,
    )
    return SurveillanceRequest.objects.create(
        country=country,
        addressed_to=agency or Agency.objects.get(code="odni"),
        due=change.effective,
        tier_change=change,
    ).pk


def _indicator() -> int:
    return IndicatorFactory().pk


TARGETS = {
    "wl-proposal-accept": lambda user: [_proposal(user), "accept"],
    "wl-proposal-own-withdraw": lambda user: [_proposal(user, own=True), "withdraw"],
    "wl-proposal-bad-action": lambda user: [_proposal(user), "promote"],
    "wl-indicator": lambda user: [_indicator()],
    "wl-indicator-missing": lambda user: [987654321],
    "wl-country": lambda user: [_country("SDN").iso3],
    "wl-country-unknown": lambda user: ["QQQ"],
    "wl-monitored": lambda user: ["SDN", _monitored("SDN")],
    "wl-monitored-elsewhere": lambda user: ["SDN", _monitored("ETH")],
    "wl-surveillance": lambda user: [_surveillance()],
    "wl-surveillance-own-agency": lambda user: [
        _surveillance(user.agency if user is not None else None)
    ],
}

_KEEPERS = {roles.CO_CHAIR: 200, roles.DIRECTORATE: 200}
_RECORDERS = {roles.DIRECTORATE: 200, roles.ANALYST: 200}

MATRIX = {
    # Proposals: co-chairs and directorate see them; co-chairs decide; the proposer withdraws.
    ("watchlist:proposal-list", None, "GET"): rows(403, **_KEEPERS),
    ("watchlist:proposal-transition", "wl-proposal-accept", "POST"): rows(
        404, **{roles.CO_CHAIR: 302, roles.DIRECTORATE: 403}
    ),
    ("watchlist:proposal-transition", "wl-proposal-own-withdraw", "POST"): rows(
        404, **{roles.CO_CHAIR: 403, roles.DIRECTORATE: 302}
    ),
    ("watchlist:proposal-transition", "wl-proposal-bad-action", "POST"): rows(
        404, **{roles.CO_CHAIR: 409, roles.DIRECTORATE: 409}
    ),
    # The catalogue: every staff reader sees it; the directorate keeps it (an empty POST: 400).
    ("watchlist:indicator-list", None, "GET"): rows(403, **dict.fromkeys(STAFF, 200)),
    ("watchlist:indicator-create", None, "GET"): rows(403, **{roles.DIRECTORATE: 200}),
    ("watchlist:indicator-create", None, "POST"): rows(403, **{roles.DIRECTORATE: 400}),
    ("watchlist:indicator-edit", "wl-indicator", "GET"): rows(403, **{roles.DIRECTORATE: 200}),
    ("watchlist:indicator-edit", "wl-indicator", "POST"): rows(403, **{roles.DIRECTORATE: 400}),
    ("watchlist:indicator-edit", "wl-indicator-missing", "GET"): rows(
        403, **{roles.DIRECTORATE: 404}
    ),
    # Monitoring: co-chairs and directorate; auditors may not even see the country.
    ("watchlist:monitor", "wl-country", "GET"): rows(403, **_KEEPERS, **{roles.AUDITOR: 404}),
    ("watchlist:monitor", "wl-country", "POST"): rows(
        403, **{roles.CO_CHAIR: 400, roles.DIRECTORATE: 400, roles.AUDITOR: 404}
    ),
    ("watchlist:monitor", "wl-country-unknown", "GET"): rows(404),
    # Observations: directorate and analysts.
    ("watchlist:observation-add", "wl-monitored", "GET"): rows(
        403, **_RECORDERS, **{roles.AUDITOR: 404}
    ),
    ("watchlist:observation-add", "wl-monitored", "POST"): rows(
        403, **{roles.DIRECTORATE: 400, roles.ANALYST: 400, roles.AUDITOR: 404}
    ),
    ("watchlist:observation-add", "wl-monitored-elsewhere", "GET"): rows(
        403, **{roles.DIRECTORATE: 404, roles.ANALYST: 404, roles.AUDITOR: 404}
    ),
    # Surveillance: the list shows what each may see; the directorate and the addressed agency's
    # members and analysts update (an empty POST: 400); co-chairs see but do not update.
    ("watchlist:surveillance-list", None, "GET"): rows(200, **{roles.AUDITOR: 403}),
    ("watchlist:surveillance-update", "wl-surveillance", "POST"): rows(
        404, **{roles.CO_CHAIR: 403, roles.DIRECTORATE: 400}
    ),
    ("watchlist:surveillance-update", "wl-surveillance-own-agency", "POST"): rows(
        404,
        **{roles.CO_CHAIR: 403, roles.DIRECTORATE: 400, roles.MEMBER: 400, roles.ANALYST: 400},
    ),
    # Risk scores: directorate only (an empty POST: 400).
    ("watchlist:risk-import", None, "GET"): rows(403, **{roles.DIRECTORATE: 200}),
    ("watchlist:risk-import", None, "POST"): rows(403, **{roles.DIRECTORATE: 400}),
}

REFUSED_METHODS = {
    "watchlist:proposal-transition": ("GET", "PUT", "DELETE"),
    "watchlist:surveillance-update": ("GET", "PUT", "DELETE"),
}
