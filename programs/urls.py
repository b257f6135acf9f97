from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from programs.views import plans


class IsoDateConverter:
    """One URL per day: YYYY-MM-DD only (a wrong date such as 2026-02-30 is a 404 in the view)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str | dt.date) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "plans"
urlpatterns = [
    path("week/", plans.plan_current_week, name="current-week"),
    path("<int:plan_id>/", plans.plan_detail, name="detail"),
    path("<int:plan_id>/weeks/<int:number>/", plans.plan_week, name="week"),
    path("<int:plan_id>/days/<isodate:date>/", plans.plan_day, name="day"),
    path("<int:plan_id>/changes/", plans.plan_changes, name="changes"),
    path("<int:plan_id>/prescriptions/<int:prescription_id>/swap/", plans.plan_swap, name="swap"),
]
