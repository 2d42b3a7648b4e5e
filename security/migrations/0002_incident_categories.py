"""Load the GB/T 20986-2023 incident categories (Annex B codes) from security/fixtures/gbt20986_2023.json."""

from django.db import migrations


def load(apps, schema_editor):
    from security.categories import load_categories

    load_categories(apps.get_model("security", "IncidentCategory"))


class Migration(migrations.Migration):

    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
