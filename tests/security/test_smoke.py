import pytest

pytestmark = pytest.mark.django_db


def test_report_to_review(sec, report, make_scenario, active_plan, django_capture_on_commit_callbacks):
    from security import services
    from security.models import IncidentStatus

    scenario = make_scenario("online")
    plan = active_plan(sec["city_so"])
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(scenario=scenario.pk)
    assert incident.suggested_grade == 3
    assert incident.region == scenario.region
    incident = services.incident_acknowledge(actor=sec["street_so"], incident=incident, grade=3)
    services.incident_activate_plan(actor=sec["city_so"], incident=incident, version=plan.versions.get().pk)
    services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="数据泄露")
    scenario.refresh_from_db()
    assert scenario.status == "disconnected"
    incident = services.incident_transition(actor=sec["street_so"], incident=incident, action="respond")
    incident = services.incident_transition(actor=sec["street_so"], incident=incident, action="contain")
    services.incident_reconnect(actor=sec["city_ops"], incident=incident, comment="已修复")
    incident = services.incident_resolve(actor=sec["street_so"], incident=incident, resolution_note="接口已加鉴权")
    import datetime as dt

    from django.utils import timezone

    incident = services.incident_review(actor=sec["street_so"], incident=incident, causes="接口未鉴权", actions=[
        {"description": "全面排查导出接口", "owner": sec["street_so"], "deadline": timezone.localdate() + dt.timedelta(days=10)}])
    assert incident.status == IncidentStatus.REVIEWED
    actions = list(incident.events.values_list("action", flat=True))
    assert "activate_plan" in actions
    assert "disconnect" in actions
    assert "escalate" in actions
