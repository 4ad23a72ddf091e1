"""The access policy (apc/core/permissions.py): clearance x marking, role x action, owner,
scope, object grants; visible() and can() agree; require() raises 404-style for the unseen."""

import itertools

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from apc.core import roles
from apc.core.exceptions import NotPermitted
from apc.core.markings import Marking
from apc.core.permissions import can, require, visible
from tests.factories import NotificationFactory, UserFactory
from tests.policyapp.models import Dossier

pytestmark = pytest.mark.django_db
ORDER = [Marking.U, Marking.CUI, Marking.C, Marking.S]


@pytest.mark.parametrize(("clearance", "marking"), list(itertools.product(ORDER, ORDER)))
def test_clearance_must_dominate_marking_even_for_a_role_that_sees_everything(clearance, marking):
    chair = UserFactory(role=roles.CO_CHAIR, clearance=clearance)
    dossier = Dossier.objects.create(title="d", marking=marking)
    expected = ORDER.index(clearance) >= ORDER.index(marking)
    assert can(chair, "view", dossier) is expected
    assert visible(chair, Dossier.objects.all()).filter(pk=dossier.pk).exists() is expected


# role x action on a U dossier owned by someone else, not shared, no grant
ROLE_ACTIONS = [
    (roles.CO_CHAIR, "view", True),
    (roles.CO_CHAIR, "change", True),
    (roles.CO_CHAIR, "annotate", False),
    *[
        (role, action, False)
        for role in roles.ALL
        if role != roles.CO_CHAIR
        for action in ("view", "change")
    ],
]


@pytest.mark.parametrize(("role", "action", "expected"), ROLE_ACTIONS)
def test_role_x_action(role, action, expected):
    user = UserFactory(role=role)
    dossier = Dossier.objects.create(title="d", owner=UserFactory())
    assert can(user, action, dossier) is expected
    assert visible(user, Dossier.objects.all(), action).filter(pk=dossier.pk).exists() is expected


def test_owner_gets_owner_actions_only_within_clearance():
    owner = UserFactory(clearance=Marking.C)
    mine = Dossier.objects.create(title="mine", owner=owner, marking=Marking.C)
    above = Dossier.objects.create(title="above", owner=owner, marking=Marking.S)
    assert can(owner, "view", mine) and can(owner, "change", mine)
    assert not can(owner, "annotate", mine)
    assert not can(owner, "view", above)
    assert list(visible(owner, Dossier.objects.all())) == [mine]


def test_scope_rule_admits_only_what_it_says():
    analyst = UserFactory(role=roles.ANALYST)
    shared = Dossier.objects.create(title="shared", shared_with_analysts=True)
    private = Dossier.objects.create(title="private")
    assert can(analyst, "view", shared) and not can(analyst, "view", private)
    assert not can(analyst, "change", shared)
    assert list(visible(analyst, Dossier.objects.all())) == [shared]


def test_object_grant_to_user_and_to_group():
    user, other = UserFactory(role=roles.MEMBER), UserFactory(role=roles.MEMBER)
    d1 = Dossier.objects.create(title="one")
    d2 = Dossier.objects.create(title="two", marking=Marking.S)
    assign_perm("policyapp.annotate_dossier", user, d1)
    team = Group.objects.create(name="drafting-team-x")
    other.groups.add(team)
    assign_perm("policyapp.view_dossier", team, d2)
    assert can(user, "annotate", d1) and not can(user, "annotate", d2)
    assert list(visible(user, Dossier.objects.all(), "annotate")) == [d1]
    fresh = type(other).objects.get(pk=other.pk)
    assert can(fresh, "view", d2) and not can(fresh, "view", d1)
    assert list(visible(fresh, Dossier.objects.all())) == [d2]


def test_a_grant_never_overrides_clearance():
    user = UserFactory(clearance=Marking.CUI)
    secret = Dossier.objects.create(title="s", marking=Marking.S)
    assign_perm("policyapp.view_dossier", user, secret)
    assert not can(user, "view", secret)
    assert not visible(user, Dossier.objects.all()).exists()


@pytest.mark.parametrize("state", ["anonymous", "inactive"])
def test_anonymous_and_inactive_users_get_nothing(state):
    from django.contrib.auth.models import AnonymousUser

    chair = UserFactory(role=roles.CO_CHAIR, is_active=(state != "inactive"))
    user = AnonymousUser() if state == "anonymous" else chair
    dossier = Dossier.objects.create(title="d")
    assert not can(user, "view", dossier)
    assert not visible(user, Dossier.objects.all()).exists()
    assert not can(user, "audit.view")


def test_superuser_flag_grants_nothing_in_the_product():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert not can(admin, "view", Dossier.objects.create(title="d"))
    assert not can(admin, "audit.view")


@pytest.mark.parametrize("role", roles.ALL)
def test_recordless_actions_by_role(role):
    user = UserFactory(role=role)
    assert can(user, "audit.view") is (role == roles.AUDITOR)
    assert can(user, "audit.export") is (role == roles.AUDITOR)


def test_unknown_action_is_a_programming_error():
    with pytest.raises(LookupError):
        can(UserFactory(), "no.such.action")


def test_require_raises_hidden_for_what_the_user_cannot_see_and_403_for_the_rest():
    analyst = UserFactory(role=roles.ANALYST)
    shared = Dossier.objects.create(title="shared", shared_with_analysts=True)
    private = Dossier.objects.create(title="private")
    with pytest.raises(NotPermitted) as hidden:
        require(analyst, "change", private)
    assert hidden.value.hidden and hidden.value.status_code == 404
    with pytest.raises(NotPermitted) as shown:
        require(analyst, "change", shared)
    assert not shown.value.hidden and shown.value.status_code == 403
    require(analyst, "view", shared)


def test_notifications_belong_to_their_recipient_within_clearance():
    n = NotificationFactory(marking=Marking.U)
    other = UserFactory(role=roles.CO_CHAIR)
    assert can(n.recipient, "view", n) and can(n.recipient, "mark_read", n)
    assert not can(other, "view", n)
    assert list(visible(other, type(n).objects.all())) == []


def test_visible_is_one_query(django_assert_num_queries):
    user = UserFactory(role=roles.MEMBER)
    for i in range(5):
        d = Dossier.objects.create(title=f"d{i}")
        assign_perm("policyapp.view_dossier", user, d)
    user.roles  # noqa: B018 - warm the cached role lookup
    with django_assert_num_queries(1):
        assert len(list(visible(user, Dossier.objects.all()))) == 5
