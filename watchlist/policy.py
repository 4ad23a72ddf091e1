"""Access policy of the watchlist (see apc/core/permissions.py).

Everyone who works on the APC's business reads the watchlist; api_client accounts of other
agencies read it over REST; auditors read only the audit trail. Co-chairs decide tiers
(DESIGN.md "Users"); the directorate proposes them, keeps the country files, imports risk
scores and keeps the indicator catalogue; analysts record observations.
"""

from django.db.models import Q

from apc.core import roles
from apc.core.permissions import Policy, register, register_action
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    Observation,
    PlanTask,
    PolicyReview,
    RiskScore,
    RiskVintage,
    SurveillanceRequest,
    TierChange,
    TierProposal,
    Warning,
)

READERS = frozenset(
    {
        roles.CO_CHAIR,
        roles.MEMBER,
        roles.DIRECTORATE,
        roles.ANALYST,
        roles.RED_TEAM,
        roles.DEPUTIES,
        roles.PRINCIPALS,
        roles.API_CLIENT,
    }
)
STAFF_READERS = READERS - {roles.API_CLIENT}
CHAIRS = frozenset({roles.CO_CHAIR})
DIRECTORATE = frozenset({roles.DIRECTORATE})
FILE_KEEPERS = frozenset({roles.CO_CHAIR, roles.DIRECTORATE})

register(
    Country,
    Policy(
        roles={
            "view": READERS,
            "change_tier": CHAIRS,
            "propose_tier": DIRECTORATE,
            "update_profile": FILE_KEEPERS,
            "review": FILE_KEEPERS,
            "monitor_indicator": FILE_KEEPERS,
            "record_observation": frozenset({roles.DIRECTORATE, roles.ANALYST}),
        }
    ),
)
# Records about a country are no less protected than the country itself.
VIA_COUNTRY = ("country",)

register(TierChange, Policy(roles={"view": READERS}, marked_via=VIA_COUNTRY))
register(
    TierProposal,
    Policy(
        roles={"view": FILE_KEEPERS, "accept": CHAIRS, "reject": CHAIRS},
        owner="proposed_by",
        owner_actions=frozenset({"view", "withdraw"}),
        marked_via=VIA_COUNTRY,
    ),
)
register(
    PlanTask,
    Policy(
        roles={"view": frozenset({roles.CO_CHAIR, roles.MEMBER, roles.DIRECTORATE})},
        marked_via=VIA_COUNTRY,
    ),
)
register(RiskVintage, Policy(roles={"view": READERS}))
register(RiskScore, Policy(roles={"view": READERS}, marked_via=VIA_COUNTRY))
register(Indicator, Policy(roles={"view": STAFF_READERS, "change": DIRECTORATE}))
register(MonitoredIndicator, Policy(roles={"view": STAFF_READERS}, marked_via=VIA_COUNTRY))
register(Observation, Policy(roles={"view": STAFF_READERS}, marked_via=("monitored__country",)))


def _ic_staff(user, action):
    """Staff of the agency a surveillance request is addressed to may follow and update it."""
    staff = roles.MEMBER in user.roles or roles.ANALYST in user.roles
    if staff and action in {"view", "update_status"}:
        return Q(addressed_to_id=user.agency_id)
    return None


register(
    SurveillanceRequest,
    Policy(
        roles={"view": FILE_KEEPERS, "update_status": DIRECTORATE},
        scope=_ic_staff,
        marked_via=VIA_COUNTRY,
    ),
)

register_action("watchlist.import_scores", [roles.DIRECTORATE])
register_action("watchlist.manage_indicators", [roles.DIRECTORATE])
register_action("watchlist.view", READERS)
register_action("watchlist.export", STAFF_READERS | {roles.API_CLIENT})


# --- The alert channel ----------------------------------------------------------------------
# Distribution (issue 4): the filer, the co-chairs and the directorate; nobody else, not even
# other analysts of the same agency; APC members once the warning is on a meeting agenda.
# A protected filer's identity is shown to the co-chairs only (and to the filer).


def _warning_scope(user, action):
    if action == "view" and roles.MEMBER in user.roles:
        return Q(agenda_meeting_id__isnull=False)
    if action == "see_filer" and (roles.DIRECTORATE in user.roles or roles.MEMBER in user.roles):
        base = Q(identity_protected=False)
        if roles.DIRECTORATE in user.roles:
            return base
        return base & Q(agenda_meeting_id__isnull=False)
    return None


register(
    Warning,
    Policy(
        roles={
            "view": FILE_KEEPERS,
            "acknowledge": DIRECTORATE,
            "see_filer": CHAIRS,
        },
        owner="filed_by",
        owner_actions=frozenset({"view", "see_filer"}),
        scope=_warning_scope,
        marked_via=VIA_COUNTRY,
    ),
)
# The review is the deliberation: the filer follows the warning's status, never the review.
register(
    PolicyReview,
    Policy(
        roles={"view": FILE_KEEPERS, "start": DIRECTORATE, "close": FILE_KEEPERS},
        marked_via=("warning", "warning__country"),
    ),
)
register_action("alerts.file", [roles.ANALYST, roles.MEMBER, roles.DIRECTORATE, roles.CO_CHAIR])
register_action("alerts.triage", [roles.DIRECTORATE, roles.CO_CHAIR])
