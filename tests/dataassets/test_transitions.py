"""Every (state, action) pair of the four workflows: pairs in the table succeed and add one history row; all others
answer 409 (Conflict with the current state) and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dataassets import services
from dataassets.models import (
    ObjectionEvent,
    ObjectionStatus,
    QualityEvent,
    QualityStatus,
    ResourceEvent,
    ResourceStatus,
    SharingEvent,
    SharingStatus,
)
from shequyun.errors import Conflict

pytestmark = pytest.mark.django_db


def _resource_in(make_resource, da, state, revision):
    if not revision:
        return make_resource(state if state != ResourceStatus.MERGED else ResourceStatus.PUBLISHED) \
            if state != ResourceStatus.MERGED else make_resource(ResourceStatus.MERGED)
    if state == ResourceStatus.MERGED:
        return make_resource(ResourceStatus.MERGED)
    original = make_resource(ResourceStatus.PUBLISHED)
    revision_row = services.resource_revise(actor=da["steward"], resource=original)
    if state in (ResourceStatus.SUBMITTED, ResourceStatus.PUBLISHED):
        revision_row = services.resource_transition(actor=da["steward"], resource=revision_row, action="submit")
    return revision_row


@pytest.mark.parametrize("state", ResourceStatus.values)
@pytest.mark.parametrize("action", sorted(services.RESOURCE_WORKFLOW.actions))
def test_resource_pairs(make_resource, da, state, action):
    revision = action == "publish_revision"
    if revision and state == ResourceStatus.PUBLISHED:
        revision = False  # a revision is never "published" itself
    resource = _resource_in(make_resource, da, state, revision)
    assert resource.status == state
    actor = da["steward"] if action == "submit" else da["office"]
    before = ResourceEvent.objects.filter(resource=resource).count()
    step = services.RESOURCE_WORKFLOW.get(state, action)
    if step is None:
        with pytest.raises(Conflict) as excinfo:
            services.resource_transition(actor=actor, resource=resource, action=action, comment="意见")
        assert excinfo.value.payload["status"] == state
        resource.refresh_from_db()
        assert resource.status == state
        assert ResourceEvent.objects.filter(resource=resource).count() == before
    else:
        result = services.resource_transition(actor=actor, resource=resource, action=action, comment="意见")
        assert result.status == step.target
        event = ResourceEvent.objects.filter(resource=resource).latest("id")
        assert (event.from_status, event.to_status, event.action, event.actor) == (state, step.target, action, actor)


def test_a_revision_cannot_be_published_as_an_entry_nor_an_entry_as_a_revision(make_resource, da):
    original = make_resource(ResourceStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.resource_transition(actor=da["office"], resource=original, action="publish_revision")


def _sharing_act(action, request, da, clock):
    if action == "approve":
        return services.sharing_approve(actor=da["office"], request=request,
                                        expires_on=timezone.localdate() + dt.timedelta(days=10))
    if action == "reject":
        return services.sharing_reject(actor=da["office"], request=request, comment="不符合最小够用原则")
    return services.sharing_expire(request=request, today=timezone.localdate() + dt.timedelta(days=400))


@pytest.mark.parametrize("state", SharingStatus.values)
@pytest.mark.parametrize("action", sorted(services.SHARING_WORKFLOW.actions))
def test_sharing_pairs(make_sharing, da, clock, state, action):
    request = make_sharing(state)
    before = SharingEvent.objects.filter(request=request).count()
    step = services.SHARING_WORKFLOW.get(state, action)
    if step is None:
        with pytest.raises(Conflict):
            _sharing_act(action, request, da, clock)
        request.refresh_from_db()
        assert request.status == state
        assert SharingEvent.objects.filter(request=request).count() == before
    else:
        assert _sharing_act(action, request, da, clock).status == step.target
        assert SharingEvent.objects.filter(request=request).count() == before + 1


def _objection_act(action, objection, da):
    if action == "mark":
        return services.objection_mark(actor=da["office"], objection=objection)
    if action == "transfer":
        return services.objection_transfer(actor=da["office"], objection=objection, responsible_org=da["provider"])
    actor = da["steward"] if objection.status == ObjectionStatus.TRANSFERRED else da["office"]
    return services.objection_decide(actor=actor, objection=objection, decision="correct", result="已更正")


@pytest.mark.parametrize("state", ObjectionStatus.values)
@pytest.mark.parametrize("action", sorted(services.OBJECTION_WORKFLOW.actions))
def test_objection_pairs(make_objection, da, state, action):
    objection = make_objection(state)
    before = ObjectionEvent.objects.filter(objection=objection).count()
    step = services.OBJECTION_WORKFLOW.get(state, action)
    if step is None:
        with pytest.raises(Conflict):
            _objection_act(action, objection, da)
        objection.refresh_from_db()
        assert objection.status == state
        assert ObjectionEvent.objects.filter(objection=objection).count() == before
    else:
        assert _objection_act(action, objection, da).status == step.target
        assert ObjectionEvent.objects.filter(objection=objection).count() == before + 1


@pytest.mark.parametrize("state", QualityStatus.values)
def test_quality_pairs(make_issue, da, state):
    issue = make_issue(state)
    if services.QUALITY_WORKFLOW.get(state, "resolve") is None:
        with pytest.raises(Conflict):
            services.quality_resolve(actor=da["steward"], issue=issue, comment="再次")
        assert QualityEvent.objects.filter(issue=issue).count() == 1
    else:
        assert services.quality_resolve(actor=da["steward"], issue=issue, comment="已整改").status == "resolved"


@pytest.mark.parametrize(("who", "allowed"), [("steward", False), ("other", False), ("office", True),
                                              ("city_office", False), ("district_reviewer", False), ("staff", False)])
def test_only_the_levels_data_office_publishes_a_district_entry(make_resource, da, who, allowed):
    resource = make_resource(ResourceStatus.SUBMITTED)
    if allowed:
        assert services.resource_transition(actor=da[who], resource=resource, action="publish").status == "published"
    else:
        with pytest.raises(PermissionDenied):
            services.resource_transition(actor=da[who], resource=resource, action="publish")
        resource.refresh_from_db()
        assert resource.status == "submitted"


def test_a_city_catalogue_entry_is_published_by_the_city_data_office(make_resource, da):
    resource = make_resource(ResourceStatus.SUBMITTED, catalogue="city")
    with pytest.raises(PermissionDenied):
        services.resource_transition(actor=da["office"], resource=resource, action="publish")
    assert services.resource_transition(actor=da["city_office"], resource=resource, action="publish").status == "published"


def test_four_eyes_the_submitter_never_reviews(make_resource, da, make_user):
    from accounts.roles import Role

    both = make_user("pudong", roles=[Role.DATA_STEWARD, Role.REVIEWER], organisation=da["office_org"])
    resource = services.resource_create(actor=both, name="浦东数据", code="PD-1", **{
        k: v for k, v in __import__("tests.dataassets.factories", fromlist=["RESOURCE"]).RESOURCE.items()
        if k not in ("name", "code")})
    for item in __import__("tests.dataassets.factories", fromlist=["ITEMS"]).ITEMS:
        services.item_add(actor=both, resource=resource, **item)
    services.resource_transition(actor=both, resource=resource, action="submit")
    with pytest.raises(PermissionDenied):
        services.resource_transition(actor=both, resource=resource, action="publish")
    assert services.resource_transition(actor=da["office"], resource=resource, action="publish").status == "published"
