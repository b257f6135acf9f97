import secrets

from django.db import migrations, models

import accounts.models


def fill_tokens(apps, schema_editor):
    RunnerProfile = apps.get_model("accounts", "RunnerProfile")
    for profile in RunnerProfile.objects.filter(calendar_token__isnull=True).only("pk"):
        profile.calendar_token = secrets.token_urlsafe(24)
        profile.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        # Existing profiles each get their own token before the column becomes unique.
        migrations.AddField(
            model_name="runnerprofile",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="runnerprofile",
            name="calendar_token",
            field=models.CharField(default=accounts.models.new_calendar_token, max_length=64, unique=True),
        ),
    ]
