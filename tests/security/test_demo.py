import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_demo_data_loads_twice(regions):
    from security.models import Assessment, Drill, EmergencyPlan, Incident, PlanStatus

    for _ in range(2):
        call_command("load_demo", stdout=None)
        call_command("load_demo_scenarios")
        call_command("load_demo_security")
    assert EmergencyPlan.objects.count() == 3
    assert EmergencyPlan.objects.filter(versions__status=PlanStatus.ACTIVE).count() == 3
    assert Drill.objects.count() == 1
    assert Incident.objects.filter(is_drill=True).count() == 1
    assert Incident.objects.filter(is_drill=False, status="resolved").count() == 1
    assert Assessment.objects.get().protection_level == 3
    call_command("load_incident_categories")
