"""The meeting's life cycle, declared once (DESIGN.md, "State machines"): scheduled → agenda
locked → held → minutes approved (by a co-chair) → closed. Decisions are recorded only while a
meeting is held; approved minutes are frozen (a correction is an addendum). A co-chair may
reopen a locked agenda before the meeting is held, and cancel a meeting not yet held."""

from apc.core.workflow import Transition, Workflow
from apc.meetings.models import Meeting

S = Meeting.Status

MEETING_WORKFLOW = Workflow(
    [
        Transition(S.SCHEDULED, "lock_agenda", S.AGENDA_LOCKED, "lock_agenda", "Lock the agenda"),
        Transition(
            S.AGENDA_LOCKED, "reopen_agenda", S.SCHEDULED, "lock_agenda", "Reopen the agenda"
        ),
        Transition(S.AGENDA_LOCKED, "hold", S.HELD, "hold", "Open the meeting"),
        Transition(
            S.HELD, "approve_minutes", S.MINUTES_APPROVED, "approve_minutes", "Approve the minutes"
        ),
        Transition(S.MINUTES_APPROVED, "close", S.CLOSED, "close", "Close the meeting"),
        Transition(S.SCHEDULED, "cancel", S.CANCELLED, "cancel", "Cancel the meeting"),
        Transition(S.AGENDA_LOCKED, "cancel", S.CANCELLED, "cancel", "Cancel the meeting"),
    ]
)
