"""The tier-proposal state machine (declared once; buttons and API read it)."""

from apc.core.workflow import Transition, Workflow
from watchlist.models import TierProposal

S = TierProposal.Status

PROPOSAL = Workflow(
    [
        Transition(S.PENDING, "accept", S.ACCEPTED, "accept", "Accept and change the tier"),
        Transition(S.PENDING, "reject", S.REJECTED, "reject", "Reject"),
        Transition(S.PENDING, "withdraw", S.WITHDRAWN, "withdraw", "Withdraw"),
    ]
)
