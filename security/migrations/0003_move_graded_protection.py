"""Move each scenario's graded-protection level and test date (scenarios.0003) into security.Assessment.

Level 5 does not occur among community-cloud applications and the assessment keeps levels 1-4: a level-5 value,
should one exist, is kept as level 4 with a note saying so. The reverse copies the values back."""

from django.db import migrations


def forward(apps, schema_editor):
    Scenario = apps.get_model("scenarios", "Scenario")
    Assessment = apps.get_model("security", "Assessment")
    rows = Scenario.objects.filter(protection_level__isnull=False) | Scenario.objects.filter(
        protection_tested_on__isnull=False)
    for scenario in rows.distinct():
        level = scenario.protection_level
        note = ""
        if level is not None and level > 4:
            level, note = 4, "迁移时原登记为第五级，按第四级保存，请核实。"
        Assessment.objects.update_or_create(
            scenario_id=scenario.pk,
            defaults={"protection_level": level, "tested_on": scenario.protection_tested_on, "note": note})


def backward(apps, schema_editor):
    Scenario = apps.get_model("scenarios", "Scenario")
    Assessment = apps.get_model("security", "Assessment")
    for assessment in Assessment.objects.all():
        Scenario.objects.filter(pk=assessment.scenario_id).update(
            protection_level=assessment.protection_level, protection_tested_on=assessment.tested_on)


class Migration(migrations.Migration):

    dependencies = [("security", "0002_incident_categories"), ("scenarios", "0003_graded_protection")]

    operations = [migrations.RunPython(forward, backward)]
