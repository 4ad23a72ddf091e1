"""Access policy of the committee's own records (see apc/core/permissions.py)."""

from apc.core import roles
from apc.core.permissions import Policy, register, register_action
from apc.models import AuditEvent, Notification

# The audit trail is for oversight only (DESIGN.md: auditor "read the audit trail; nothing else").
register_action("audit.view", [roles.AUDITOR])
register_action("audit.export", [roles.AUDITOR])
register(AuditEvent, Policy(roles={"view": frozenset({roles.AUDITOR})}))

# A notification belongs to its recipient alone.
register(Notification, Policy(owner="recipient", owner_actions=frozenset({"view", "mark_read"})))
