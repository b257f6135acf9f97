import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_plan_from_session(apps, schema_editor):
    Prescription = apps.get_model("programs", "Prescription")
    PlannedSession = apps.get_model("programs", "PlannedSession")
    Prescription.objects.update(
        plan_id=Subquery(PlannedSession.objects.filter(pk=OuterRef("session_id")).values("plan_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0002_read_model_decisions_versions'),
    ]

    operations = [
        migrations.AddField(
            model_name='prescription',
            name='plan',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='prescriptions', to='programs.plan'),
        ),
        migrations.RunPython(copy_plan_from_session, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='prescription',
            name='plan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prescriptions', to='programs.plan'),
        ),
    ]
