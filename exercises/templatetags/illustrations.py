"""`{% illustration slug side frame %}`: an exercise's drawing inlined in a page, for every surface that shows one."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from exercises.pictures import SIDES, picture

register = template.Library()


@register.simple_tag
def illustration(slug: str, side: str = "right", frame: str | None = None) -> SafeString | str:
    """The picture in a `<figure class="illustration">`, or "" when the exercise has none (or no such position)."""
    drawn = picture(slug, "left" if side == "left" else "right", frame or None) if side in SIDES else None
    if drawn is None:
        return ""
    # The SVG is built by exercises.illustrations.svg from the shipped catalogue, escaping its words: trusted markup.
    return mark_safe(f'<figure class="illustration">{drawn.svg}</figure>')  # noqa: S308


@register.simple_tag
def illustration_thumbnail(slug: str) -> SafeString | str:
    """The still start position as an image from the API's cacheable URL, loaded when scrolled to: for long lists."""
    drawn = picture(slug, "right", "start")
    if drawn is None:
        return ""
    url = reverse("exercise-illustration", kwargs={"slug": slug}) + "?frame=start"
    return format_html(
        '<img class="thumbnail" src="{}" alt="{}" width="120" height="90" loading="lazy">', url, drawn.alt
    )
