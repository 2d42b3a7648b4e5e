import pytest

pytestmark = pytest.mark.django_db


def test_every_page_renders(client, sec, report, make_scenario, active_plan):
    from security import services
    from security.models import IncidentCategory

    scenario = make_scenario("online")
    plan = active_plan(sec["street_so"])
    incident = report(scenario=scenario.pk)
    drill = services.drill_create(actor=sec["street_so"], region=sec["street_so"].region,
                                  plan_version=plan.versions.get(), title="数据泄露处置演练", planned_on=incident.created_at.date())
    training = services.training_create(actor=sec["street_so"], region=sec["street_so"].region, topic="等保政策解读",
                                        held_on=incident.created_at.date(), participants=[sec["street_staff"].pk])
    assessment = services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=3,
                                          tested_on=incident.created_at.date())
    import datetime as dt
    agreement = services.agreement_save(actor=sec["street_so"], scenario=scenario, signatory="李工",
                                        signed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1))
    client.force_login(sec["street_so"])
    for url in ["/security/", "/security/incidents/", "/security/incidents/new/", f"/security/incidents/{incident.pk}/",
                f"/security/incidents/{incident.pk}/review/", "/security/plans/", f"/security/plans/{plan.pk}/",
                f"/security/plans/{plan.pk}/diff/", "/security/drills/", "/security/drills/new/",
                f"/security/drills/{drill.pk}/", "/security/trainings/", "/security/trainings/new/",
                f"/security/trainings/{training.pk}/", "/security/trainings/coverage/", "/security/assessments/",
                f"/security/assessments/{assessment.pk}/", "/security/assessments/new/", "/security/agreements/",
                f"/security/agreements/{agreement.pk}/", "/security/agreements/new/", "/security/categories/",
                f"/security/incidents/new/?drill={drill.pk}"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    client.force_login(sec["city_ops"])
    assert client.get(f"/security/categories/{IncidentCategory.objects.first().pk}/").status_code == 200
    assert client.get(f"/security/incidents/{incident.pk}/").status_code == 200
