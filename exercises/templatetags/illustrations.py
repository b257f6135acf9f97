"""Exercise illustrations in templates: the drawn SVG inline, from `exercises.pictures` (one place renders)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from exercises.pictures import picture

register = template.Library()


@register.simple_tag
def illustration(slug: str, side: str = "right", frame: str | None = None) -> SafeString:
    drawn = picture(slug, "left" if side == "left" else "right", frame)
    if drawn is None:
        return mark_safe("")
    return format_html('<figure class="illustration">{}</figure>', mark_safe(drawn.svg))  # noqa: S308 - drawn here, no user text
