"""One rule, three forms: each predicate agrees with its queryset form and its recipients, for users across the four
levels (city 上海市 / district 浦东新区 / street 东明路街道 / village 三林苑居委会) and the roles."""

from __future__ import annotations

import itertools

import pytest

from accounts.roles import Role
from dataassets import permissions as p
from dataassets.models import ObjectionStatus, ResourceStatus
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LEVELS = ["city", "pudong", "dongming", "sanlinyuan", "huamu"]
ROLE_SETS = [[Role.DATA_STEWARD, Role.REVIEWER], [Role.DATA_STEWARD], [Role.REVIEWER], [Role.STAFF], [Role.AUDITOR]]


@pytest.fixture
def people(make_user, da):
    cast = [make_user(level, roles=roles) for level, roles in itertools.product(LEVELS, ROLE_SETS)]
    return [*cast, *[v for k, v in da.items() if hasattr(v, "username")]]


def test_resource_review_predicate_queryset_and_recipients_agree(people, make_resource, da):
    district = make_resource(ResourceStatus.SUBMITTED)
    city = make_resource(ResourceStatus.SUBMITTED, catalogue="city")
    for resource in (district, city):
        recipients = set(p.resource_review_recipients(resource))
        for user in people:
            may = p.may_review_resource(user, resource)
            assert may == p.resource_review_queryset(user).filter(pk=resource.pk).exists(), (user, resource)
            assert may == (user in recipients), (user, resource)
    district_office = {u.pk for u in p.resource_review_recipients(district)}
    city_office = {u.pk for u in p.resource_review_recipients(city)}
    assert {da["office"].pk, da["office2"].pk} <= district_office
    assert da["city_office"].pk in city_office
    assert not district_office & city_office


def test_objection_handling_predicate_queryset_and_recipients_agree(people, make_objection, da):
    objections = [make_objection(s) for s in (ObjectionStatus.RECEIVED, ObjectionStatus.MARKED,
                                              ObjectionStatus.TRANSFERRED)]
    for objection in objections:
        recipients = set(p.objection_recipients(objection))
        for user in people:
            may = any(t.allowed(user, objection) for t in
                      __import__("dataassets.services", fromlist=["x"]).OBJECTION_WORKFLOW.available_actions(
                          objection, user))
            assert may == p.objection_queue_queryset(user).filter(pk=objection.pk).exists(), (user, objection.status)
            assert may == (user in recipients), (user, objection.status)


def test_sharing_review_predicate_queryset_and_recipients_agree(people, make_sharing):
    request = make_sharing()
    recipients = set(p.sharing_review_recipients(request))
    for user in people:
        may = p.may_review_sharing(user, request)
        assert may == p.sharing_review_queryset(user).filter(pk=request.pk).exists(), user
        assert may == (user in recipients), user


def test_quality_predicate_queryset_and_recipients_agree(people, make_issue, make_user, da):
    issue = make_issue()
    same_unit = make_user("dongming", roles=[Role.STAFF], organisation=da["provider"])  # not a data steward
    recipients = set(p.quality_recipients(issue))
    for user in [*people, same_unit]:
        may = p.may_resolve_quality(user, issue)
        assert may == p.quality_queue_queryset(user).filter(pk=issue.pk).exists(), user
        assert may == (user in recipients), user


def test_the_data_office_is_a_reviewing_data_steward_at_city_or_district(make_user):
    for level in LEVELS:
        user = make_user(level, roles=[Role.DATA_STEWARD, Role.REVIEWER])
        assert p.is_data_office(user, user.region) == (level in ("city", "pudong"))


def test_who_registers(make_user):
    assert p.may_register(make_user("sanlinyuan", roles=[Role.DATA_STEWARD]))
    assert not p.may_register(make_user("dongming", roles=[Role.OPERATOR]))


def test_catalogue_visibility_across_levels(make_resource, make_user, da):
    from accounts.models import Region
    from dataassets.models import Resource
    from tests.scope import OUTSIDE

    draft = make_resource()
    district = make_resource(ResourceStatus.PUBLISHED)
    city = make_resource(ResourceStatus.PUBLISHED, catalogue="city", reviewer=da["city_office"])
    yangpu = make_user(OUTSIDE, organisation=OrganisationFactory(region=Region.objects.get(code=OUTSIDE)))
    expect = {
        "city": {draft, district, city}, "pudong": {draft, district, city}, "dongming": {draft, district, city},
        "sanlinyuan": {district, city}, "huamu": {district, city}, OUTSIDE: {city},
    }
    for where, visible in expect.items():
        user = yangpu if where == OUTSIDE else make_user(where)
        assert set(Resource.objects.catalogue_for(user)) == visible, where
