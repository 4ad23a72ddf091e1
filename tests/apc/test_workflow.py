"""The transition-table helper every state machine uses (apc/core/workflow.py)."""

import pytest

from apc.core import roles
from apc.core.exceptions import InvalidTransition
from apc.core.workflow import Transition, Workflow
from tests.factories import UserFactory
from tests.policyapp.models import Dossier

FLOW = Workflow(
    [
        Transition("draft", "submit", "review", "change"),
        Transition("review", "approve", "approved", "change"),
        Transition("review", "annotate", "review", "annotate"),
    ],
    field="title",
)
STATES = ["draft", "review", "approved"]
ACTIONS = ["submit", "approve", "annotate", "reopen"]
ALLOWED = {
    ("draft", "submit"): "review",
    ("review", "approve"): "approved",
    ("review", "annotate"): "review",
}


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in STATES for a in ACTIONS])
def test_every_pair_is_allowed_or_refused(state, action):
    if (state, action) in ALLOWED:
        assert FLOW.transition(state, action).target == ALLOWED[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            FLOW.transition(state, action)


def test_duplicate_transitions_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        Workflow([Transition("a", "go", "b", "change"), Transition("a", "go", "c", "change")])


@pytest.mark.django_db
def test_available_filters_by_policy():
    dossier = Dossier.objects.create(title="review")
    chair, analyst = UserFactory(role=roles.CO_CHAIR), UserFactory(role=roles.ANALYST)
    assert [t.action for t in FLOW.available(dossier, chair)] == ["approve"]
    assert FLOW.available(dossier, analyst) == []
