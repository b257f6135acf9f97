"""Quiet hours (22:00 to 07:00 by default) arrived with reminders. A runner who had already chosen a reminder time
inside them keeps that time and gets no quiet hours, rather than reminders that silently move to 07:00."""

import datetime

from django.db import migrations
from django.db.models import Q


def clear_quiet_hours_around_chosen_times(apps, schema_editor):
    RunnerProfile = apps.get_model("accounts", "RunnerProfile")
    inside = Q(reminder_time__gte=datetime.time(22, 0)) | Q(reminder_time__lt=datetime.time(7, 0))
    RunnerProfile.objects.filter(
        inside, quiet_hours_start=datetime.time(22, 0), quiet_hours_end=datetime.time(7, 0)
    ).update(quiet_hours_start=None, quiet_hours_end=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_reminders_outbox")]

    operations = [migrations.RunPython(clear_quiet_hours_around_chosen_times, migrations.RunPython.noop)]
