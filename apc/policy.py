"""Access policy of the committee's own records (see apc/core/permissions.py)."""

from django.db.models import Q

from apc.core import roles
from apc.core.permissions import Policy, register, register_action
from apc.models import AuditEvent, DeadlineBreach, EmergencyRequest, Notification, OutboxMessage

# The audit trail is for oversight only (DESIGN.md: auditor "read the audit trail; nothing else").
register_action("audit.view", [roles.AUDITOR])
register_action("audit.export", [roles.AUDITOR])
register(AuditEvent, Policy(roles={"view": frozenset({roles.AUDITOR})}))

# A notification belongs to its recipient alone.
register(Notification, Policy(owner="recipient", owner_actions=frozenset({"view", "mark_read"})))

# Emergency meeting requests: any member (or co-chair) may request one; co-chairs answer; the
# directorate follows them; the Deputies secretariat sees those raised to its level.


def _deputies_scope(user, action):
    if action == "view" and roles.DEPUTIES in user.roles:
        return Q(level=EmergencyRequest.Level.DEPUTIES)
    return None


register_action("emergency.request", [roles.MEMBER, roles.CO_CHAIR])
register(
    EmergencyRequest,
    Policy(
        roles={
            "view": frozenset({roles.CO_CHAIR, roles.DIRECTORATE}),
            "convene": frozenset({roles.CO_CHAIR}),
            "decline": frozenset({roles.CO_CHAIR}),
        },
        owner="requested_by",
        owner_actions=frozenset({"view"}),
        scope=_deputies_scope,
    ),
)
register(DeadlineBreach, Policy(roles={"view": frozenset({roles.CO_CHAIR, roles.DIRECTORATE})}))
register(OutboxMessage, Policy(roles={}))

from apc.meetings import policy as _meetings_policy  # noqa: E402, F401 - registers meetings
