"""The tiered rule (逐级管理) as a full matrix: actor level × admin or not × target position × target kind × action.

Positions are relative to the actor on the real tree. A position that does not exist for a level (the city has
no parent or sibling; a village has no child) is not a cell. Expected answers come from DESIGN §3 written out
as a table below, independently of the implementation; the queryset form of the rule must agree in every cell.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.permissions import AccountAction, can_manage_account, manageable_accounts_filter
from accounts.roles import Role

# Actor position → region code, and each target position relative to it.
POSITIONS = {
    "city": {"own": "310000000000", "child": "310115000000", "grandchild": "310115015000"},
    "district": {"own": "310115000000", "child": "310115015000", "grandchild": "310115015001",
                 "parent": "310000000000", "sibling": "310101000000", "sibling_child": "310101002000"},
    "street": {"own": "310115015000", "child": "310115015001", "grandchild": None,
               "parent": "310115000000", "sibling": "310115016000", "sibling_child": "310115016001"},
    "village": {"own": "310115015001", "parent": "310115015000", "sibling": "310115015002"},
}

# The rule, as a table: (actor level, target position, target is an account admin) → may manage.
ALLOWED = {
    ("city", "own", False), ("city", "child", True),
    ("district", "own", False), ("district", "child", True),
    ("street", "own", False), ("street", "child", False), ("street", "child", True),
}

CELLS = [
    (level, position, target_admin, action)
    for level, positions in POSITIONS.items()
    for position, code in positions.items()
    if code is not None
    for target_admin in (False, True)
    for action in AccountAction.ALL
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor_is_admin", [True, False])
@pytest.mark.parametrize(("level", "position", "target_admin", "action"), CELLS)
def test_tiered_rule_matrix(make_user, level, position, target_admin, action, actor_is_admin):
    actor = make_user(POSITIONS[level]["own"], roles=[Role.ACCOUNT_ADMIN] if actor_is_admin else [Role.STAFF])
    target = make_user(POSITIONS[level][position], roles=[Role.ACCOUNT_ADMIN] if target_admin else [Role.STAFF])
    expected = actor_is_admin and (level, position, target_admin) in ALLOWED

    assert can_manage_account(actor, region=target.region, is_admin=target_admin, action=action) is expected
    # The queryset form of the same rule agrees.
    assert User.objects.filter(manageable_accounts_filter(actor), pk=target.pk).exists() is expected


@pytest.mark.django_db
def test_nobody_manages_their_own_admin_account(make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    assert not can_manage_account(admin, region=admin.region, is_admin=True, action=AccountAction.EDIT)


@pytest.mark.django_db
def test_disabled_admin_manages_nothing(make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN], is_active=False)
    assert not can_manage_account(admin, region=admin.region, is_admin=False, action=AccountAction.CREATE)


@pytest.mark.django_db
def test_unknown_action_is_refused(make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    assert not can_manage_account(admin, region=admin.region, is_admin=False, action="delete")


@pytest.mark.django_db
def test_superuser_manages_everything(make_user, regions):
    root = make_user("city", is_superuser=True)
    assert can_manage_account(root, region=regions["sanlinyuan"], is_admin=False, action=AccountAction.CREATE)
