"""State machines declared once, as data: `(from, action) -> (to, permission)`.

Each app declares its machine in `<app>/workflow.py` as a `Workflow`; the one service that
performs transitions asks `workflow.transition(...)` for the target (InvalidTransition when the
pair is not in the table) and the policy for the permission, and `available(obj, user)` drives both
the buttons of the HTML pages and the API's list of actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apc.core.exceptions import InvalidTransition
from apc.core.permissions import can


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    permission: str  # the policy action the actor must hold on the object
    label: str = ""


class Workflow:
    """A transition table over the statuses held in `field` of the model's rows."""

    def __init__(self, transitions: Iterable[Transition], *, field: str = "status"):
        self.field = field
        self._table: dict[tuple[str, str], Transition] = {}
        for t in transitions:
            key = (t.source, t.action)
            if key in self._table:
                raise ValueError(f"duplicate transition {key}")
            self._table[key] = t

    @property
    def transitions(self) -> list[Transition]:
        return list(self._table.values())

    def transition(self, state: str, action: str) -> Transition:
        """The transition for `action` from `state`, or InvalidTransition."""
        try:
            return self._table[(state, action)]
        except KeyError:
            raise InvalidTransition(f"“{action}” is not possible from “{state}”.") from None

    def actions_from(self, state: str) -> list[Transition]:
        return [t for (source, _), t in self._table.items() if source == state]

    def available(self, obj: Any, user: Any) -> list[Transition]:
        """What `user` may do to `obj` now: the table filtered by the access policy."""
        state = getattr(obj, self.field)
        return [t for t in self.actions_from(state) if can(user, t.permission, obj)]
