from __future__ import annotations

from django.db import migrations


def load_catalogue(apps, schema_editor):
    # The same upsert as `manage.py load_catalogue`, run with this migration's historical models.
    from exercises.catalogue import load_catalogue_file
    from exercises.services import catalogue_load

    catalogue_load(
        catalogue=load_catalogue_file(),
        exercise_model=apps.get_model("exercises", "Exercise"),
        equipment_model=apps.get_model("exercises", "Equipment"),
    )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
