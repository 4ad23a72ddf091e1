"""The after-action report's life cycle, declared once (CONVENTIONS.md): commissioned →
drafting → in review → published (issue 7; seeds/000, "Crisis Response Structure and Process":
the directorate commissions the reports). A report not yet published may be withdrawn by the
directorate, with a reason; a published one never changes (a correction is a new revision,
afteraction/services.py `report_revise`). Each transition names the policy action the actor
must hold (afteraction/policy.py)."""

from afteraction.models import Report
from apc.core.workflow import Transition, Workflow

S = Report.Status

REPORT = Workflow(
    [
        Transition(S.COMMISSIONED, "start", S.DRAFTING, "author", "Start drafting"),
        Transition(S.DRAFTING, "submit", S.IN_REVIEW, "author", "Submit for review"),
        Transition(S.IN_REVIEW, "return", S.DRAFTING, "publish", "Return to the authors"),
        Transition(S.IN_REVIEW, "publish", S.PUBLISHED, "publish", "Publish"),
        Transition(S.COMMISSIONED, "withdraw", S.WITHDRAWN, "manage", "Withdraw"),
        Transition(S.DRAFTING, "withdraw", S.WITHDRAWN, "manage", "Withdraw"),
        Transition(S.IN_REVIEW, "withdraw", S.WITHDRAWN, "manage", "Withdraw"),
    ]
)

# Statuses in which the authors write (the report, its lessons and links).
EDITABLE = frozenset({S.COMMISSIONED, S.DRAFTING})
# Statuses of a commission still owed (its due date is reminded).
OWED = frozenset({S.COMMISSIONED, S.DRAFTING, S.IN_REVIEW})
# Actions that need a comment saying why.
NEEDS_COMMENT = frozenset({"return", "withdraw"})
