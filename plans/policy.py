"""Who may see and do what with plans (apc/core/permissions.py).

The directorate drafts and steers plans; the co-chairs see them all and approve prevention
plans after APC review; the drafting team (directorate lead + agency contributors) holds
django-guardian grants on its plan (view_plan, draft_plan); red-team reviewers assigned to a
plan hold view_plan and review_plan on it; a plan may be shared with a member (view_plan).
The Deputies Committee secretariat sees the plans submitted to it and approves or returns them;
the Principals Committee secretariat likewise for plans referred to it. Nobody on a plan's
drafting team approves it (plans/services.py). Everything about a marked country inherits its
protection; a section above a reader's clearance is hidden while the rest stays visible.
"""

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from apc.core import roles
from apc.core.permissions import Policy, register, register_action, visible
from plans.models import (
    EscalationStage,
    Measure,
    Option,
    Partner,
    Plan,
    PlanContributor,
    PlanEvent,
    PlanSection,
    PlanVersion,
    Playbook,
    PlaybookOption,
    RedTeamFinding,
    Rehearsal,
    Strategy,
    TargetGroup,
    Tool,
)

EVERYONE = frozenset(roles.ALL)
STAFF = frozenset({roles.DIRECTORATE})
OVERSIGHT = frozenset({roles.CO_CHAIR, roles.DIRECTORATE})


def _submitted_to(action: str) -> Q:
    return Q(pk__in=PlanEvent.objects.filter(action=action).values("plan_id"))


# The sections whose assignee builds a part of the plan beyond the section's own text: the
# options matrix (policy options), partners and the messaging lead (operations plan).
BUILDING_SECTIONS = ("policy_options", "operations_plan", "prevention_plan")


def _plan_scope(user, action):
    """The Deputies (Principals) secretariat sees, and may export for its committee, every plan
    ever submitted (referred) to it. The assignee of a section that builds part of the plan
    (the matrix, partners) drafts those parts."""
    if action == "draft":
        return Q(
            pk__in=PlanSection.objects.filter(assignee=user, key__in=BUILDING_SECTIONS).values(
                "plan_id"
            )
        )
    if action not in ("view", "export"):
        return None
    q = None
    if roles.DEPUTIES in user.roles:
        q = _submitted_to("submit_deputies")
    if roles.PRINCIPALS in user.roles:
        q = (
            (q | _submitted_to("refer_principals"))
            if q is not None
            else _submitted_to("refer_principals")
        )
    return q


register_action("plans.view", OVERSIGHT | {roles.MEMBER, roles.DEPUTIES, roles.PRINCIPALS,
                                           roles.RED_TEAM, roles.ANALYST})  # fmt: skip
register_action("plans.create", STAFF)
register_action("playbooks.manage", STAFF)
register_action("reference.view", EVERYONE)

register(
    Plan,
    Policy(
        roles={
            "view": OVERSIGHT,
            "draft": STAFF,
            "manage": STAFF,
            "approve_deputies": frozenset({roles.DEPUTIES}),
            "approve_principals": frozenset({roles.PRINCIPALS}),
            "approve_apc": frozenset({roles.CO_CHAIR}),
            "export": OVERSIGHT,
        },
        scope=_plan_scope,
        grants=True,
        marked_via=("country",),
    ),
)


def _via_plan(action_map: dict[str, str]):
    """Child records follow their plan: `view` where the plan is visible, other actions where
    the user may take the mapped plan action by grant (the drafting team, the red team)."""

    def scope(user, action):
        plan_action = action_map.get(action)
        if plan_action is None:
            return None
        return Q(plan__in=visible(user, Plan.objects.all(), plan_action).values("pk"))

    return scope


CHILD = {"view": "view", "edit": "draft"}


def _section_scope(user, action):
    """A section is seen where its plan is; written by its assignee (owner), the directorate,
    and the drafting team by its grant (not by another section's assignee)."""
    if action == "view":
        return Q(plan__in=visible(user, Plan.objects.all()).values("pk"))
    if action == "edit":
        granted = get_objects_for_user(
            user,
            "plans.draft_plan",
            klass=Plan.objects.all(),
            accept_global_perms=False,
            with_superuser=False,
        )
        return Q(plan__in=granted.values("pk"))
    return None


register(
    PlanSection,
    Policy(
        roles={"view": OVERSIGHT, "edit": STAFF},
        owner="assignee",
        owner_actions=frozenset({"view", "edit"}),
        scope=_section_scope,
        marked_via=("plan", "plan__country"),
    ),
)
for model in (Option, Partner, Rehearsal, PlanEvent, PlanVersion, PlanContributor):
    register(
        model,
        Policy(
            roles={"view": OVERSIGHT, "edit": STAFF},
            scope=_via_plan(CHILD),
            marked_via=("plan", "plan__country"),
        ),
    )
register(
    RedTeamFinding,
    Policy(
        roles={"view": OVERSIGHT, "respond": STAFF},
        scope=_via_plan({"view": "view", "respond": "draft"}),
        marked_via=("plan", "plan__country"),
    ),
)
register(Playbook, Policy(roles={"view": EVERYONE - {roles.API_CLIENT}, "edit": STAFF}))
register(PlaybookOption, Policy(roles={"view": EVERYONE - {roles.API_CLIENT}, "edit": STAFF}))
for model in (Tool, Strategy, TargetGroup, Measure, EscalationStage):
    register(model, Policy(roles={"view": EVERYONE}))
