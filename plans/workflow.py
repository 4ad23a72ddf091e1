"""The plans' life cycles, declared once (CONVENTIONS.md; seeds/000, recommendation 4-2: plans
are red-teamed, approved by the Deputies Committee "and if necessary the Principals Committee",
and briefed to Congress).

Response plan: draft → assessments complete → red-team review → submitted to the Deputies
Committee → approved by Deputies | returned (back to draft) → (if referred) submitted to the
Principals Committee → approved by Principals | returned → briefed to Congress → in
implementation → closed. Prevention plan: draft → APC review → approved → in implementation →
closed. Each transition names the policy action the actor must hold (plans/policy.py);
submitting freezes a version; nobody on the drafting team approves their own plan."""

from apc.core.workflow import Transition, Workflow
from plans.models import Plan

S = Plan.Status

RESPONSE = Workflow(
    [
        Transition(
            S.DRAFT,
            "complete_assessments",
            S.ASSESSMENTS_COMPLETE,
            "draft",
            "Mark the assessments complete",
        ),
        Transition(S.ASSESSMENTS_COMPLETE, "reopen", S.DRAFT, "draft", "Back to draft"),
        Transition(
            S.ASSESSMENTS_COMPLETE, "start_red_team", S.RED_TEAM, "manage", "Send to red team"
        ),
        Transition(S.RED_TEAM, "reopen", S.DRAFT, "draft", "Back to draft"),
        Transition(
            S.RED_TEAM,
            "submit_deputies",
            S.SUBMITTED_DEPUTIES,
            "manage",
            "Submit to the Deputies Committee",
        ),
        Transition(
            S.SUBMITTED_DEPUTIES,
            "approve_deputies",
            S.APPROVED_DEPUTIES,
            "approve_deputies",
            "Approve (Deputies Committee)",
        ),
        Transition(
            S.SUBMITTED_DEPUTIES,
            "return_deputies",
            S.DRAFT,
            "approve_deputies",
            "Return with comments",
        ),
        Transition(
            S.APPROVED_DEPUTIES,
            "refer_principals",
            S.SUBMITTED_PRINCIPALS,
            "approve_deputies",
            "Refer to the Principals Committee",
        ),
        Transition(
            S.SUBMITTED_PRINCIPALS,
            "approve_principals",
            S.APPROVED_PRINCIPALS,
            "approve_principals",
            "Approve (Principals Committee)",
        ),
        Transition(
            S.SUBMITTED_PRINCIPALS,
            "return_principals",
            S.DRAFT,
            "approve_principals",
            "Return with comments",
        ),
        Transition(
            S.APPROVED_DEPUTIES,
            "brief_congress",
            S.BRIEFED,
            "manage",
            "Record the briefing to Congress",
        ),
        Transition(
            S.APPROVED_PRINCIPALS,
            "brief_congress",
            S.BRIEFED,
            "manage",
            "Record the briefing to Congress",
        ),
        Transition(S.BRIEFED, "implement", S.IN_IMPLEMENTATION, "manage", "Start implementation"),
        Transition(S.IN_IMPLEMENTATION, "close", S.CLOSED, "manage", "Close the plan"),
    ]
)

PREVENTION = Workflow(
    [
        Transition(S.DRAFT, "submit_apc", S.APC_REVIEW, "manage", "Submit for APC review"),
        Transition(S.APC_REVIEW, "approve_apc", S.APPROVED, "approve_apc", "Approve (APC)"),
        Transition(S.APC_REVIEW, "return_apc", S.DRAFT, "approve_apc", "Return with comments"),
        Transition(S.APPROVED, "implement", S.IN_IMPLEMENTATION, "manage", "Start implementation"),
        Transition(S.IN_IMPLEMENTATION, "close", S.CLOSED, "manage", "Close the plan"),
    ]
)

WORKFLOWS = {Plan.Kind.RESPONSE: RESPONSE, Plan.Kind.PREVENTION: PREVENTION}

# Submitting freezes a numbered version; these are approvals (never by the drafting team).
FREEZES = frozenset({"submit_deputies", "refer_principals", "submit_apc"})
APPROVALS = frozenset({"approve_deputies", "approve_principals", "approve_apc"})
# Statuses in which the plan's content may be edited.
EDITABLE = frozenset({S.DRAFT})


def workflow_for(plan: Plan) -> Workflow:
    return WORKFLOWS[plan.kind]
