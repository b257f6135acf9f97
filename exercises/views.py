"""The exercise pages: the catalogue grouped by category, and one page per exercise with its illustration, cues
and variants. For any signed-in account: a runner looking up an exercise, a physio checking what a runner sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from exercises.catalogue import CATEGORIES
from exercises.models import Exercise
from exercises.words import category_label
from rehabplan.http import AuthenticatedRequest


@dataclass(frozen=True)
class Group:
    label: str
    exercises: list[Exercise]


def by_category(exercises: list[Exercise]) -> list[Group]:
    """The catalogue's category order; each group by name, and an empty category left out."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    categories = sorted({e.category for e in exercises}, key=lambda c: (order.get(c, len(order)), c))
    return [Group(category_label(c), [e for e in exercises if e.category == c]) for c in categories]


@login_required
def exercise_list(request: AuthenticatedRequest) -> HttpResponse:
    exercises = list(Exercise.objects.active().prefetch_related("equipment").order_by("name", "id"))
    return render(request, "exercises/list.html", {"groups": by_category(exercises)})


@login_required
def exercise_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.active().with_relations(), slug=slug)
    variants = [
        (words, v) for words, v in (("Easier", exercise.easier), ("Harder", exercise.harder)) if v and v.is_active
    ]
    context = {
        "exercise": exercise,
        "category": category_label(exercise.category),
        "equipment": list(exercise.equipment.all()),
        "variants": variants,
    }
    return render(request, "exercises/detail.html", context)
