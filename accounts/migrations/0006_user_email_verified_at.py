from django.db import migrations, models
from django.db.models.functions import Coalesce, Now


def existing_accounts_count_as_verified(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Accounts made before verification existed have signed in already; asking them again would only lock them out.
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=Coalesce("last_login", Now()))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_quiet_hours_around_early_reminders")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(existing_accounts_count_as_verified, migrations.RunPython.noop),
    ]
