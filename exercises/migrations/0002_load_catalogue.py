from __future__ import annotations

from django.db import migrations

from exercises.migrations._catalogue_file import EQUIPMENT_NAMES, plain_catalogue, read_file

# Fields of the plain form that are not plain columns at this point in history (per_side came in 0005).
_NOT_COLUMNS = ("slug", "equipment", "frequency", "easier", "harder", "per_side")


def load_catalogue(apps, schema_editor):
    # What `manage.py load_catalogue` wrote into the empty tables, done here with this migration's historical models
    # and the frozen reading of the file, so that a later change to the loader cannot change a fresh database.
    Equipment = apps.get_model("exercises", "Equipment")
    Exercise = apps.get_model("exercises", "Exercise")
    catalogue = plain_catalogue(read_file())

    Equipment.objects.bulk_create([Equipment(slug=slug, name=name) for slug, name in EQUIPMENT_NAMES.items()])
    equipment_ids = dict(Equipment.objects.values_list("slug", "pk"))
    Exercise.objects.bulk_create(
        [
            Exercise(
                slug=row["slug"],
                frequency_kind=row["frequency"]["kind"],
                frequency_value=row["frequency"]["value"],
                catalogue_version=catalogue["version"],
                is_active=True,
                **{key: value for key, value in row.items() if key not in _NOT_COLUMNS},
            )
            for row in catalogue["exercises"]
        ]
    )
    exercises = {exercise.slug: exercise for exercise in Exercise.objects.all()}
    links = []
    for row in catalogue["exercises"]:
        exercise = exercises[row["slug"]]
        exercise.easier = exercises[row["easier"]] if row["easier"] else None
        exercise.harder = exercises[row["harder"]] if row["harder"] else None
        links += [(exercise.pk, pk) for pk in sorted(equipment_ids[slug] for slug in row["equipment"])]
    Exercise.objects.bulk_update(exercises.values(), ["easier", "harder"])
    Link = Exercise.equipment.through
    Link.objects.bulk_create([Link(exercise_id=exercise_id, equipment_id=pk) for exercise_id, pk in links])


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
