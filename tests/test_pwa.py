"""The installable app shell: manifest and icons, the service worker, the pages kept offline, and the API docs."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from exercises.models import Exercise
from programs.models import Plan, PlannedSession, Prescription
from rehabplan.pwa import offline_page_dates, offline_page_weeks, shell_version
from tests.programs.plans import START, create_plan

ICON_TEAL = (0x0B, 0x55, 0x63)
EXTERNAL_URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.IGNORECASE)


def _at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _reverses(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _static_file(url: str) -> Path:
    """The source file behind a /static/ URL, with or without the hash the manifest storage adds."""
    assert url.startswith("/static/"), url
    name = url.removeprefix("/static/")
    found = finders.find(name) or finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name))
    assert isinstance(found, str), f"{url} names no static file"
    return Path(found)


def _png_rgb_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB PNG whose rows use no filter (how scripts/make_icons.py writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, width, height, idat = 8, 0, 0, b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2), "8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    rows = [raw[i * stride : (i + 1) * stride] for i in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


# ------------------------------------------------------------------ manifest and icons


def test_manifest_makes_the_app_installable(client: Client) -> None:
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "RehabPlan" and manifest["short_name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#0b5563" and manifest["background_color"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes >= {("192x192", "any"), ("192x192", "maskable"), ("512x512", "any"), ("512x512", "maskable")}
    assert all(icon["type"] == "image/png" for icon in manifest["icons"])


def test_manifest_icons_are_pngs_of_the_size_they_claim(client: Client) -> None:
    for icon in json.loads(client.get(reverse("manifest")).content)["icons"]:
        width, height, _ = _png_rgb_rows(_static_file(icon["src"]).read_bytes())
        assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.parametrize("size", [192, 512])
def test_icon_is_a_white_figure_inside_the_maskable_safe_zone(size: int) -> None:
    """Launchers may crop a maskable icon to the central circle of 80%: outside it there is only the brand colour."""
    _, _, rows = _png_rgb_rows(_static_file(f"/static/icons/icon-{size}.png").read_bytes())
    centre, safe_radius = size / 2, 0.4 * size
    white = outside = 0
    for y, row in enumerate(rows):
        for x in range(size):
            pixel = tuple(row[3 * x : 3 * x + 3])
            if pixel == (255, 255, 255):
                white += 1
            if (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 > safe_radius**2:
                outside += pixel != ICON_TEAL
    assert outside == 0
    assert 0.08 < white / size**2 < 0.4, "a figure you can see, not a blank or white square"


def test_pages_link_the_manifest_and_an_icon_that_exist(client: Client) -> None:
    page = client.get(reverse("programs:home")).content.decode()
    assert f'rel="manifest" href="{reverse("manifest")}"' in page
    for url in re.findall(r'rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page):
        assert _static_file(url).exists()


# ------------------------------------------------------------------ the service worker


def test_service_worker_is_served_from_the_root_and_never_pinned(client: Client) -> None:
    response = client.get(reverse("service-worker"))
    assert reverse("service-worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control or "no-store" in cache_control or "max-age=0" in cache_control
    assert "immutable" not in cache_control and "Expires" not in response


def test_service_worker_answers_a_head_request_with_the_same_headers(client: Client) -> None:
    response = client.head(reverse("service-worker"))
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"


def test_service_worker_names_only_same_origin_urls(client: Client) -> None:
    worker = client.get(reverse("service-worker")).content.decode()
    assert EXTERNAL_URL.findall(worker) == []
    strings = re.findall(r'"(/[^"]*)"', worker)
    assert strings and all(not url.startswith("//") for url in strings)


def test_service_worker_precaches_the_shell_and_the_offline_page(client: Client) -> None:
    worker = client.get(reverse("service-worker")).content.decode()
    shell = json.loads(re.search(r"const SHELL_URLS = (\[.*?\]);", worker).group(1))  # type: ignore[union-attr]
    assert reverse("offline") in shell
    names = {re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url) for url in shell}
    assert names >= {
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/vendor/idb-keyval-6.3.0.umd.js",
        "/static/icons/icon-192.png",
        "/static/icons/icon-512.png",
    }
    for url in shell:
        if url.startswith("/static/"):
            assert _static_file(url).stat().st_size > 0
    assert client.get(reverse("offline")).status_code == 200


def test_service_worker_version_follows_its_code_and_shell_urls() -> None:
    urls = ["/static/css/app.css", "/offline/"]
    assert shell_version("worker", urls) == shell_version("worker", urls)
    assert shell_version("worker", urls) != shell_version("worker 2", urls)
    assert shell_version("worker", urls) != shell_version("worker", [*urls, "/static/js/app.js"])


def test_offline_page_says_what_still_works(client: Client) -> None:
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "You are offline" in text and "Pages you opened recently still work" in text
    assert "<script" not in text


# ------------------------------------------------------------------ pages kept offline


def test_offline_pages_are_today_and_the_coming_week_of_the_current_plan(
    client: Client, runner: User, intake_data: dict
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    client.force_login(runner)
    with _at(dt.datetime.combine(START + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)):
        response = client.get(reverse("offline-pages"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    today = START + dt.timedelta(days=2)
    expected_days = [reverse("programs:plan-day", args=[plan.pk, today + dt.timedelta(days=n)]) for n in range(7)]
    # Wednesday to Tuesday: the rest of week 1 and the start of week 2, whose pages link to those days.
    weeks = [reverse("programs:plan-week", args=[plan.pk, number]) for number in (1, 2)]
    week_tab = [reverse("programs:current-week")] if _reverses("programs:current-week") else []
    exercises = [reverse("exercises:detail", args=[slug]) for slug in _exercises_on(plan, today)]
    assert response.json()["pages"] == ["/", *week_tab, *weeks, *expected_days, *exercises]
    for url in response.json()["pages"]:
        with _at(dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)):
            assert client.get(url, follow=True).status_code == 200, url


def _exercises_on(plan: Plan, today: dt.date) -> list[str]:
    """The exercises of the seven days from today, prescribed or in a warm-up, by name (read independently)."""
    days = [today + dt.timedelta(days=n) for n in range(7)]
    prescribed = set(
        Prescription.objects.filter(plan=plan, session__date__in=days).values_list("exercise__slug", flat=True)
    )
    warm_up = {
        slug
        for text in PlannedSession.objects.filter(plan=plan, date__in=days).values_list("warm_up", flat=True)
        for slug in text.split(",")
        if slug
    }
    return list(
        Exercise.objects.active().filter(slug__in=prescribed | warm_up).order_by("name").values_list("slug", flat=True)
    )


def test_offline_pages_keep_the_exercise_pages_of_the_coming_week_with_their_pictures(
    client: Client, runner: User, intake_data: dict
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    client.force_login(runner)
    today = START + dt.timedelta(days=2)
    with _at(dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)):
        pages = client.get(reverse("offline-pages")).json()["pages"]
    kept = [page for page in pages if page.startswith("/exercises/")]
    expected = _exercises_on(plan, today)
    assert expected and kept == [reverse("exercises:detail", args=[slug]) for slug in expected]
    assert len(set(pages)) == len(pages)  # no page twice
    for url in kept:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")  # the worker keeps only HTML pages
        assert "<img" not in response.content.decode()  # pictures are inlined: nothing more to fetch offline


def test_offline_pages_name_an_exercise_once_and_none_retired(client: Client, runner: User, intake_data: dict) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    client.force_login(runner)
    first = Prescription.objects.filter(plan=plan, session__date__gte=START).order_by("session__date").first()
    assert first is not None
    retired = first.exercise.slug
    Exercise.objects.filter(slug=retired).update(is_active=False)
    with _at(dt.datetime.combine(first.session.date, dt.time(9), tzinfo=dt.UTC)):
        pages = client.get(reverse("offline-pages")).json()["pages"]
    kept = [page for page in pages if page.startswith("/exercises/")]
    assert kept and len(kept) == len(set(kept))
    assert reverse("exercises:detail", args=[retired]) not in kept


def test_the_worker_keeps_exercise_pages_like_the_plans_pages(client: Client) -> None:
    worker = client.get(reverse("service-worker")).content.decode()
    uncached = json.loads(re.search(r"const UNCACHED_PREFIXES = (\[.*?\]);", worker).group(1))  # type: ignore[union-attr]
    exercise_page = reverse("exercises:detail", args=["nordic_curl"])
    assert not any(exercise_page.startswith(prefix) for prefix in uncached)
    assert not any(reverse("exercises:list").startswith(prefix) for prefix in uncached)


def test_offline_pages_start_on_the_runners_own_today(client: Client, runner: User, intake_data: dict) -> None:
    runner.runner_profile.timezone = "Pacific/Auckland"
    runner.runner_profile.save()
    plan = create_plan(runner, intake_data, weeks=4)
    client.force_login(runner)
    # 20:00 in London on the plan's first day is already the next morning in Auckland.
    with _at(dt.datetime.combine(START, dt.time(20), tzinfo=dt.UTC)):
        pages = client.get(reverse("offline-pages")).json()["pages"]
    days = [page for page in pages if "/days/" in page]
    assert days[0] == reverse("programs:plan-day", args=[plan.pk, START + dt.timedelta(days=1)])
    assert len(days) == 7


def test_offline_pages_of_a_runner_without_a_plan_are_today_only(client: Client, runner: User) -> None:
    client.force_login(runner)
    assert client.get(reverse("offline-pages")).json()["pages"] == ["/"]


def test_offline_pages_mark_who_is_signed_in_without_naming_them(
    client: Client, runner: User, other_runner: User
) -> None:
    client.force_login(runner)
    mark = client.get(reverse("offline-pages")).json()["runner"]
    assert mark and mark == client.get(reverse("offline-pages")).json()["runner"]
    assert str(runner.pk) != mark and runner.email not in mark
    client.force_login(other_runner)
    assert client.get(reverse("offline-pages")).json()["runner"] != mark


def test_offline_pages_ask_anonymous_visitors_to_log_in(client: Client) -> None:
    response = client.get(reverse("offline-pages"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_offline_pages_are_for_runners_only(client: Client, physio: User) -> None:
    client.force_login(physio)
    assert client.get(reverse("offline-pages")).status_code == 404


def test_offline_page_dates_stop_at_the_end_of_the_plan() -> None:
    last_day = START + dt.timedelta(weeks=2, days=-1)
    dates = offline_page_dates(last_day - dt.timedelta(days=2), START, 2)
    assert dates == [last_day - dt.timedelta(days=2), last_day - dt.timedelta(days=1), last_day]
    assert offline_page_dates(START - dt.timedelta(days=3), START, 2)[0] == START
    assert len(offline_page_dates(START, START, 2)) == 7


def test_offline_page_weeks_are_the_weeks_of_the_kept_days() -> None:
    assert offline_page_weeks(offline_page_dates(START, START, 4), START) == [1]
    assert offline_page_weeks(offline_page_dates(START + dt.timedelta(days=6), START, 4), START) == [1, 2]
    assert offline_page_weeks([], START) == []


# ------------------------------------------------------------------ scripts on every page


def test_pages_load_scripts_from_this_site_only_and_no_inline_script(client: Client, runner: User) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:home")).content.decode()
    sources = re.findall(r"<script\b([^>]*)>", page)
    assert sources, "the app's scripts"
    for attributes in sources:
        src = re.search(r'src="([^"]+)"', attributes)
        assert src, "no inline script (a content security policy may forbid them)"
        assert _static_file(src.group(1)).exists()
    idb, app = page.find("idb-keyval"), page.find("js/app")
    assert -1 < idb < app, "app.js runs after idb-keyval, which it needs for the offline queue"


def test_app_script_stays_small() -> None:
    app = _static_file("/static/js/app.js")
    text = app.read_text()
    assert text.count('"use strict"') == 1
    assert app.stat().st_size < 14_000
    assert EXTERNAL_URL.findall(text) == []


def test_every_page_leaves_room_for_its_html_in_the_100_kb_budget() -> None:
    """Today's HTML, CSS and JavaScript together stay under 100 KB; the shared files leave at least 20 KB of that."""
    shared = ("css/app.css", "js/app.js", "vendor/htmx-2.0.11.min.js", "vendor/idb-keyval-6.3.0.umd.js")
    assert sum(_static_file(f"/static/{name}").stat().st_size for name in shared) < 80_000


def test_queued_logs_can_read_the_csrf_cookie(settings: Any) -> None:
    """app.js sends the logs kept on the phone with the CSRF cookie's token in a header."""
    assert not getattr(settings, "CSRF_COOKIE_HTTPONLY", False)
    assert not getattr(settings, "CSRF_USE_SESSIONS", False)


# ------------------------------------------------------------------ API docs


def test_api_docs_load_nothing_from_another_host(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert EXTERNAL_URL.findall(page) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle" in url for url in assets)
    # The page's own start-up script is served by the docs view (the Content-Security-Policy allows no inline one).
    own_script = [url for url in assets if url.startswith("/api/docs/?")]
    assert len(own_script) == 1
    assert EXTERNAL_URL.findall(client.get(own_script[0].replace("&amp;", "&")).content.decode()) == []
    for url in assets:
        if url not in own_script:
            assert _static_file(url).exists()
