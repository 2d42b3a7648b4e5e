"""Who may act at each step, as a matrix over the four levels (city 上海市 / district 浦东新区 / street 东明路街道 /
village 三林苑居委会, plus a sibling street and village) × organisation kinds × roles — and the three forms of every
rule (predicate, queryset, recipients) agree in every cell."""

from __future__ import annotations

import pytest

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from content import permissions as p
from content import services
from content.models import Status
from tests.factories import OrganisationFactory

from .factories import CHECKS

PLACES = {"city": "310000000000", "district": "310115000000", "street": "310115015000", "village": "310115015001",
          "sibling_street": "310115016000", "sibling_village": "310115015002"}
KINDS = ("competent_dept", "operations_office", "committee")
ROLES = ("reviewer", "operator", "staff", "auditor")
CELLS = [(place, kind, role) for place in PLACES for kind in KINDS for role in ROLES]


def _actor(make_user, place, kind, role):
    region = Region.objects.get(code=PLACES[place])
    organisation = OrganisationFactory(region=region, name=f"{kind}-{region.code}", kind=OrganisationKind(kind))
    return make_user(PLACES[place], roles=[Role(role)], organisation=organisation)


def expected_review(step: int, place: str, role: str) -> bool:
    """初审: reviewers of the item's street; 终审: reviewers of its district (the chain of the fixture)."""
    return role == "reviewer" and place == {1: "street", 2: "district"}[step]


@pytest.mark.django_db
@pytest.mark.parametrize("step", [1, 2])
@pytest.mark.parametrize(("place", "kind", "role"), CELLS)
def test_review_matrix_and_its_three_forms(make_user, make_item, step, place, kind, role):
    item = make_item(Status.REVIEW_1 if step == 1 else Status.REVIEW_2)
    actor = _actor(make_user, place, kind, role)
    want = expected_review(step, place, role)
    assert p.may_review(actor, item) is want
    assert p.review_queryset(actor).filter(pk=item.pk).exists() is want
    assert p.review_recipients(item).filter(pk=actor.pk).exists() is want


@pytest.mark.django_db
@pytest.mark.parametrize(("place", "kind", "role"), CELLS)
def test_collection_configuration_and_feedback_matrix(make_user, make_item, people, place, kind, role):
    item = make_item(Status.DRAFT)
    actor = _actor(make_user, place, kind, role)
    ops = kind == "operations_office" and role == "operator"
    assert p.may_edit(actor, item) is (place == "village" and role in {"operator", "staff"})
    assert p.may_configure_chain(actor, Region.objects.get(code=PLACES[place])) is ops
    assert p.may_configure_chain(actor, Region.objects.get(code=PLACES["street"])) is (ops and place == "street")
    assert p.may_edit_lexicon(actor) is (ops and place == "city")
    assert p.may_publish_training(actor) is (ops and "village" not in place)
    assert p.may_withdraw(actor, item) is (p.may_edit(actor, item) or (ops and place in {"city", "district",
                                                                                          "street"}))
    feedback = services.feedback_raise(actor=people["author"], kind="question", title="问题", body="内容")
    handles = ops and place == "street"
    assert p.may_handle_feedback(actor, feedback) is handles
    assert p.feedback_handling_queryset(actor).filter(pk=feedback.pk).exists() is handles
    assert p.feedback_recipients(feedback).filter(pk=actor.pk).exists() is handles


@pytest.mark.django_db
def test_four_eyes_the_author_never_reviews_and_nobody_approves_two_steps(people, regions, make_user):
    from accounts.models import OrganisationKind

    # A chain whose two steps are both at the street: the same reviewer could otherwise approve both.
    services.chain_save(actor=people["street_ops"], region=regions["dongming"], steps=[
        {"name": "初审", "role": "reviewer", "level": "street"}, {"name": "终审", "role": "reviewer", "level": "street"}])
    street_author = make_user("dongming", roles=[Role.STAFF, Role.REVIEWER], organisation=OrganisationFactory(
        region=regions["dongming"], name="东明路街道办事处", kind=OrganisationKind.COMPETENT_DEPT))
    item = services.item_create(actor=street_author, kind="notice", title="街道通知", body="正文")
    item = services.item_submit(actor=street_author, item=item)
    assert not p.may_review(street_author, item)  # author and reviewer role at the step's region: still not
    assert not p.review_queryset(street_author).filter(pk=item.pk).exists()
    assert street_author not in p.review_recipients(item)
    # A colleague who edited it is an author too.
    services.item_update(actor=people["street_staff"], item=item, title="街道通知（改）")
    item.refresh_from_db()
    item = services.item_review(actor=people["first"], item=item, action="approve", checks=CHECKS)
    assert item.status == Status.REVIEW_2
    assert not p.may_review(people["first"], item)  # approved step 1: may not approve step 2
    assert p.may_review(people["first2"], item)
    assert not p.review_queryset(people["first"]).filter(pk=item.pk).exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.item_review(actor=people["first"], item=item, action="approve", checks=CHECKS)
    item = services.item_review(actor=people["first2"], item=item, action="approve", checks=CHECKS)
    assert item.status == Status.APPROVED
