"""Every (state, action) pair of the three security workflows: the legal ones succeed and add one history row,
every other pair answers 409 (Conflict) and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from security import services
from security.models import (
    Drill,
    DrillStatus,
    Incident,
    IncidentStatus,
    PlanStatus,
    PlanVersion,
)
from security.services.drills import WORKFLOW as DRILL_WORKFLOW
from security.services.incidents import WORKFLOW as INCIDENT_WORKFLOW
from security.services.plans import WORKFLOW as PLAN_WORKFLOW
from shequyun.errors import Conflict

from .factories import PLAN

pytestmark = pytest.mark.django_db


def _incident_action(actor, incident, action):  # type: ignore[no-untyped-def]
    if action == "acknowledge":
        return services.incident_acknowledge(actor=actor, incident=incident)
    if action == "resolve":
        return services.incident_resolve(actor=actor, incident=incident, resolution_note="已处置")
    if action == "review":
        return services.incident_review(actor=actor, incident=incident, causes="原因", actions=[
            {"description": "整改", "owner": actor, "deadline": timezone.localdate() + dt.timedelta(days=5)}])
    return services.incident_transition(actor=actor, incident=incident, action=action)


@pytest.mark.parametrize("state", IncidentStatus.values)
@pytest.mark.parametrize("action", sorted(INCIDENT_WORKFLOW.actions))
def test_incident_transitions(state, action, sec, report):
    incident = report()
    Incident.objects.filter(pk=incident.pk).update(status=state)  # test set-up only
    events = incident.events.count()
    step = INCIDENT_WORKFLOW.get(state, action)
    if step is None:
        with pytest.raises(Conflict):
            _incident_action(sec["street_so"], incident, action)
        assert Incident.objects.get(pk=incident.pk).status == state
        assert incident.events.count() == events
        return
    done = _incident_action(sec["street_so"], incident, action)
    assert done.status == step.target
    assert incident.events.filter(action=action, from_status=state, to_status=step.target).count() == 1


@pytest.mark.parametrize("action", sorted(INCIDENT_WORKFLOW.actions))
def test_incident_actions_need_a_handler(action, sec, report):
    incident = report()
    step = next(t for t in INCIDENT_WORKFLOW.transitions if t.action == action)
    Incident.objects.filter(pk=incident.pk).update(status=step.source)
    with pytest.raises(PermissionDenied):
        _incident_action(sec["street_staff"], incident, action)
    with pytest.raises(PermissionDenied):
        _incident_action(sec["huamu_so"], incident, action)


@pytest.fixture
def draft(sec):
    plan = services.plan_create(actor=sec["street_so"], region=sec["street_so"].region, title="预案",
                                team=[{"user": sec["street_so"], "duty": "指挥"}], **PLAN)
    return plan.versions.get()


@pytest.mark.parametrize("state", PlanStatus.values)
@pytest.mark.parametrize("action", sorted(PLAN_WORKFLOW.actions - {"supersede"}))
def test_plan_transitions(state, action, sec, draft, make_user):
    PlanVersion.objects.filter(pk=draft.pk).update(status=state)
    approver = make_user("dongming", roles=[Role.REVIEWER])
    actor = sec["street_so"] if action == "activate" else approver
    step = PLAN_WORKFLOW.get(state, action)
    if step is None:
        with pytest.raises(Conflict):
            services.plan_transition(actor=actor, version=draft, action=action, comment="意见")
        assert PlanVersion.objects.get(pk=draft.pk).status == state
        return
    done = services.plan_transition(actor=actor, version=draft, action=action, comment="意见")
    assert done.status == step.target
    assert draft.events.filter(action=action, to_status=step.target).count() == 1


def test_supersede_is_never_a_direct_action(sec, draft):
    with pytest.raises(Conflict):
        services.plan_transition(actor=sec["street_so"], version=draft, action="supersede")


def test_activating_a_revision_supersedes_the_active_version(sec, draft, make_user):
    approver = make_user("dongming", roles=[Role.REVIEWER])
    services.plan_transition(actor=approver, version=draft, action="approve")
    services.plan_transition(actor=sec["street_so"], version=draft, action="activate")
    revision = services.plan_revision_open(actor=sec["street_so"], plan=draft.plan, reason="演练发现问题")
    services.plan_version_update(actor=sec["street_so"], version=revision, procedure_3="新的III级程序")
    services.plan_transition(actor=approver, version=revision, action="approve")
    services.plan_transition(actor=sec["street_so"], version=revision, action="activate")
    draft.refresh_from_db()
    revision.refresh_from_db()
    assert (draft.status, revision.status) == (PlanStatus.SUPERSEDED, PlanStatus.ACTIVE)
    assert draft.events.filter(action="supersede").count() == 1
    assert revision.review_due == timezone.localdate() + dt.timedelta(days=365)


@pytest.fixture
def drill(sec, draft, make_user):
    services.plan_transition(actor=make_user("dongming", roles=[Role.REVIEWER]), version=draft, action="approve")
    return services.drill_create(actor=sec["street_so"], region=sec["street_so"].region, plan_version=draft,
                                 title="演练", planned_on=timezone.localdate())


@pytest.mark.parametrize("state", DrillStatus.values)
@pytest.mark.parametrize("action", sorted(DRILL_WORKFLOW.actions))
def test_drill_transitions(state, action, sec, drill):
    Drill.objects.filter(pk=drill.pk).update(status=state)
    step = DRILL_WORKFLOW.get(state, action)

    def act():  # type: ignore[no-untyped-def]
        if action == "complete":
            return services.drill_complete(actor=sec["street_so"], drill=drill, held_on=timezone.localdate(),
                                           findings="发现")
        return services.drill_transition(actor=sec["street_so"], drill=drill, action=action, comment="取消")

    if step is None:
        with pytest.raises(Conflict):
            act()
        return
    assert act().status == step.target
    assert drill.events.filter(action=action).count() == 1
