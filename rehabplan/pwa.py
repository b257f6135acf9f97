"""The installable app: web manifest, service worker, offline page and the list of pages to keep for offline use."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, path, reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from programs.selectors import plans as selectors
from programs.selectors.exercises_ahead import exercises_between
from programs.selectors.today import runner_today

BRAND_COLOUR = "#0b5563"
BACKGROUND_COLOUR = "#ffffff"
ICON_SIZES = (192, 512)
OFFLINE_DAYS = 7  # today and the next six days
# The app shell the worker stores on install, so every page it has seen still has its styles and scripts offline.
SHELL_STATIC = (
    "css/app.css",
    "css/today.css",
    "css/exercises.css",
    "js/app.js",
    "vendor/htmx-2.0.11.min.js",
    "vendor/idb-keyval-6.3.0.umd.js",
    *(f"icons/icon-{size}.png" for size in ICON_SIZES),
)


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "RehabPlan",
        "short_name": "RehabPlan",
        "description": "Your hamstring rehab plan, day by day.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "lang": "en-GB",
        "theme_color": BRAND_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static(f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in ICON_SIZES
            for purpose in ("any", "maskable")
        ],
    }
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def shell_urls() -> list[str]:
    """Every URL the worker pre-caches; static names come from the storage, so hashed names are right with DEBUG off."""
    return [static(name) for name in SHELL_STATIC] + [reverse("offline")]


@functools.lru_cache(maxsize=4)
def _released_shell_version(template_source: str, urls: tuple[str, ...]) -> str:
    return shell_version(template_source, list(urls))


def shell_version(template_source: str, urls: list[str]) -> str:
    """Changes whenever the worker's code, a shell URL or a shell file's content changes, so phones pick it up."""
    digest = hashlib.sha256(template_source.encode())
    for url in urls:
        digest.update(url.encode())
    for name in SHELL_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    template = get_template("sw.js")
    urls = shell_urls()
    source = template.template.source  # type: ignore[attr-defined]
    context = {
        # Released files never change under the same hashed name, so their version is worked out once per process.
        "version": shell_version(source, urls) if settings.DEBUG else _released_shell_version(source, tuple(urls)),
        "shell_urls": json.dumps(urls),
        "offline_url": json.dumps(reverse("offline")),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "uncached_prefixes": json.dumps(["/admin/", "/accounts/", "/api/", "/patients/", "/templates/"]),
    }
    response = HttpResponse(template.render(context), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # A phone must see a new worker as soon as it is deployed, never an old one from an HTTP cache.
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")


def offline_page_dates(today: dt.date, plan_start: dt.date, plan_weeks: int, days: int = OFFLINE_DAYS) -> list[dt.date]:
    """The days from today on that the plan covers (a plan ending this week keeps fewer)."""
    plan_end = plan_start + dt.timedelta(weeks=plan_weeks) - dt.timedelta(days=1)
    dates = (today + dt.timedelta(days=offset) for offset in range(days))
    return [date for date in dates if plan_start <= date <= plan_end]


def offline_page_weeks(dates: list[dt.date], plan_start: dt.date) -> list[int]:
    """The plan weeks those days fall in: their week pages link to the day pages kept with them."""
    return sorted({(date - plan_start).days // 7 + 1 for date in dates})


def runner_mark(user: Any) -> str:
    return salted_hmac("rehabplan.pwa.runner", str(user.pk)).hexdigest()[:20]


@require_safe
@login_required
@never_cache
def offline_pages(request: HttpRequest) -> JsonResponse:
    """Today, the Week tab, the week and day pages of the coming seven days and the pages of the exercises on those
    days (their pictures are inlined), for the worker to keep on the phone.

    `runner` is an opaque mark of who is signed in: logs kept on the phone carry it, so a log is only ever sent
    while the runner who saved it is signed in.
    """
    user = request.user
    if getattr(user, "is_physio", False):
        raise Http404("Only runners keep pages offline.")
    pages = [reverse("programs:home")]
    plan = selectors.runner_current_plan(user)  # type: ignore[arg-type]
    if plan is not None:
        dates = offline_page_dates(runner_today(user), plan.start, plan.weeks)  # type: ignore[arg-type]
        with contextlib.suppress(NoReverseMatch):  # the Week tab, when the project has one
            pages.append(reverse("programs:current-week"))
        pages += [
            reverse("programs:plan-week", args=[plan.pk, number]) for number in offline_page_weeks(dates, plan.start)
        ]
        pages += [reverse("programs:plan-day", args=[plan.pk, date]) for date in dates]
        if dates:
            slugs = exercises_between(plan, dates[0], dates[-1])
            pages += [reverse("exercises:detail", args=[slug]) for slug in slugs]
    return JsonResponse({"runner": runner_mark(user), "pages": pages})


urlpatterns = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("offline/", offline, name="offline"),
    path("offline-pages.json", offline_pages, name="offline-pages"),
]
