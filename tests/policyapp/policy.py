from django.db.models import Q

from apc.core import roles
from apc.core.permissions import Policy, register
from tests.policyapp.models import Dossier


def _analyst_scope(user, action):
    if action == "view" and roles.ANALYST in user.roles:
        return Q(shared_with_analysts=True)
    return None


register(
    Dossier,
    Policy(
        roles={"view": frozenset({roles.CO_CHAIR}), "change": frozenset({roles.CO_CHAIR})},
        owner="owner",
        owner_actions=frozenset({"view", "change"}),
        scope=_analyst_scope,
        grants=True,
    ),
)
