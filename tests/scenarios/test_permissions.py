"""Who may act on a scenario, as a matrix over the hierarchy: actor level × organisation kind × role × the
scenario's position relative to the actor × the kind of action (apply, review, file/disconnect, evaluate)."""

from __future__ import annotations

import pytest

from accounts.models import OrganisationKind, Region
from accounts.permissions import may_act_as_city_operations
from accounts.roles import Role
from scenarios.permissions import may_apply_for, may_evaluate, may_review_application
from tests.factories import OrganisationFactory

ACTOR = {"city": "310000000000", "district": "310115000000", "street": "310115015000", "village": "310115015001"}
# Scenario owner positions relative to each actor level (None: does not exist for that level).
POSITION = {
    "city": {"own": "310000000000", "child": "310115000000", "grandchild": "310115015000", "great_grandchild": "310115015001"},
    "district": {"own": "310115000000", "child": "310115015000", "grandchild": "310115015001", "parent": "310000000000",
                 "sibling": "310101000000", "sibling_child": "310101002000"},
    "street": {"own": "310115015000", "child": "310115015001", "parent": "310115000000", "sibling": "310115016000",
               "sibling_child": "310115016001"},
    "village": {"own": "310115015001", "parent": "310115015000", "sibling": "310115015002"},
}


def expected(level: str, kind: str, role: str, position: str, rule: str) -> bool:
    """The rules of DESIGN §5 / 000 Art. 11, 13, 16 written out independently of the implementation."""
    if rule == "apply":  # own region's operators/staff; a street acts for its villages
        return role in {"operator", "staff"} and (position == "own" or (level == "street" and position == "child"))
    if rule == "review":  # superior competent department: district reviews its streets and villages, city its districts
        if kind != "competent_dept" or role != "reviewer":
            return False
        return (level == "district" and position in {"child", "grandchild"}) or (
            level == "city" and position in {"own", "child"})
    if rule == "city_ops":
        return level == "city" and kind == "operations_office" and role == "operator"
    if rule == "evaluate":
        return (level in {"city", "district"} and kind in {"competent_dept", "operations_office"}
                and role in {"reviewer", "operator"} and position in {"own", "child", "grandchild", "great_grandchild"})
    raise AssertionError(rule)


RULES = {"apply": lambda u, r: may_apply_for(u, r), "review": lambda u, r: may_review_application(u, r),
         "city_ops": lambda u, r: may_act_as_city_operations(u), "evaluate": lambda u, r: may_evaluate(u, r)}

CELLS = [(level, kind, role, position, rule)
         for level in ACTOR for kind in ("competent_dept", "operations_office", "committee")
         for role in ("reviewer", "operator", "staff", "auditor") for position in POSITION[level] for rule in RULES]


@pytest.mark.django_db
@pytest.mark.parametrize(("level", "kind", "role", "position", "rule"), CELLS)
def test_scenario_permission_matrix(make_user, level, kind, role, position, rule):
    region = Region.objects.get(code=ACTOR[level])
    organisation = OrganisationFactory(region=region, name=f"{kind}-{region.code}", kind=OrganisationKind(kind))
    actor = make_user(ACTOR[level], roles=[Role(role)], organisation=organisation)
    target = Region.objects.get(code=POSITION[level][position])
    assert RULES[rule](actor, target) is expected(level, kind, role, position, rule)
