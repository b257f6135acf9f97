"""A plan's PDF drawn once for what it shows, then read from the shared cache: WeasyPrint takes 1.5–2 s of a web
worker for a plan, a cache read a millisecond.

The key names everything the bytes depend on: the plan and its revision (raised by every write to the plan or its
sessions, `services.revisions`), the runner's name and distance unit (their Settings, which do not touch the plan)
and the paper's layout (the print templates, the stylesheet, the code that words the page and the exercises' still
drawings), so a deploy that changes the paper draws it again. Nothing printed depends on today's date or the time zone. A copy nobody asks for
again expires after `KEPT_SECONDS`, so an older revision's copy goes without a sweep.

Kept in Django's cache (CACHE_URL) rather than as files: production's cache is Redis, which every web host and
Celery worker already reaches, where a file would need storage shared between hosts and a sweep of old revisions.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from accounts.care import display_name
from exercises.catalogue_file import load_catalogue_file
from exercises.pictures import picture
from programs.models import Plan
from programs.outputs import printing
from programs.selectors.units import runner_distances
from rehabplan.production_checks import SHARED_CACHE_BACKENDS

logger = logging.getLogger(__name__)

KEPT_SECONDS = 7 * 24 * 3600
# While a worker draws a copy, a second request (the waiting page reloading) does not queue another drawing. Longer
# than a drawing takes; if the worker never gets to it, the next request after this queues it again.
DRAWING_SECONDS = 120
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# What the paper is made of besides the plan's rows: a change to any of them is a new copy.
LAYOUT_TEMPLATES = (
    printing.PRINT_TEMPLATE,
    "programs/print/_week.html",
    "programs/print/_referral.html",
    "programs/_safety.html",
)
PRINTED_FRAMES = ("start", "end")  # the positions the guide shows of each exercise (programs/print.html)


@functools.cache
def layout_digest() -> str:
    """The print templates, stylesheet, wording code and drawings as they are in this process (read once)."""
    digest = hashlib.sha256()
    for name in LAYOUT_TEMPLATES:
        digest.update((TEMPLATES_DIR / name).read_bytes())
    digest.update(printing.print_stylesheet().encode())
    digest.update(Path(printing.__file__).read_bytes())
    for etag in drawings():
        digest.update(etag.encode())
    return digest.hexdigest()[:16]


def drawings() -> list[str]:
    """Each still position the guide prints, as this process draws it: a drawing is not part of a plan's catalogue
    version, so a redrawn pose (its data or the drawing code) would otherwise leave old copies in the cache."""
    stills = (picture(spec.slug, frame=frame) for spec in load_catalogue_file().exercises for frame in PRINTED_FRAMES)
    return [drawn.etag for drawn in stills if drawn is not None]


def pdf_key(plan: Plan) -> str:
    """The cache key of the plan's PDF as it is now (the runner and their profile: one query each at most)."""
    runner = plan.runner
    who = hashlib.sha256(display_name(runner).encode()).hexdigest()[:16]  # no name in the cache's keys
    unit = runner_distances(runner, None).shown
    return f"plan-pdf:{plan.pk}:{plan.revision}:{unit}:{who}:{layout_digest()}"


def stored_pdf(plan: Plan) -> bytes | None:
    pdf: bytes | None = cache.get(pdf_key(plan))
    return pdf


def pdf_draw(plan: Plan) -> bytes:
    """Draw the PDF and keep it under its key."""
    key = pdf_key(plan)
    pdf = printing.plan_pdf(plan)
    cache.set(key, pdf, KEPT_SECONDS)
    logger.info("PDF of plan %s drawn at revision %s (%d bytes)", plan.pk, plan.revision, len(pdf))
    return pdf


def drawing_claimed(plan: Plan) -> bool:
    """True for the one request that should queue the drawing of this copy (until `DRAWING_SECONDS` pass)."""
    return bool(cache.add(f"{pdf_key(plan)}:drawing", True, DRAWING_SECONDS))


def workers_share_the_cache() -> bool:
    """A per-process cache (a first run's locmem) would keep a worker's copy where no web process reads it."""
    return settings.CACHES["default"]["BACKEND"] in SHARED_CACHE_BACKENDS
