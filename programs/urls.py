from __future__ import annotations

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/weeks/<int:number>/", views.plan_week, name="week"),
    path("<int:plan_id>/days/<str:date>/", views.plan_day, name="day"),
    path("<int:plan_id>/changes/", views.plan_changes, name="changes"),
]
