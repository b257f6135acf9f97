import hashlib
import json

from django.db import migrations


def _renamed(value):
    """Every dose in a stored template or prescription: `distance` was a drill's metres before runs had one."""
    if isinstance(value, dict):
        return {("metres" if k == "distance" and isinstance(v, int) else k): _renamed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v) for v in value]
    return value


def distance_to_metres(apps, schema_editor):
    for version in apps.get_model("programs", "PathwayVersion").objects.all():
        version.data = _renamed(version.data)
        version.checksum = hashlib.sha256(json.dumps(version.data, sort_keys=True, default=str).encode()).hexdigest()
        version.save(update_fields=["data", "checksum"])
    Prescription = apps.get_model("programs", "Prescription")
    for row in Prescription.objects.filter(dose__has_key="distance").iterator():
        Prescription.objects.filter(pk=row.pk).update(dose=_renamed(row.dose))


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_day_log_runs_flags_checks"), ("exercises", "0004_metres_and_runs")]

    operations = [migrations.RunPython(distance_to_metres, migrations.RunPython.noop)]
