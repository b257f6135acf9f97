"""The sources of a dose in plain words, for every page that shows "Why?" (programs.clinical.sources)."""

from __future__ import annotations

from django import template

from programs.clinical.sources import SourceNote, source_notes

register = template.Library()


@register.filter(name="source_notes")
def source_notes_filter(source: str) -> tuple[SourceNote, ...]:
    return source_notes(source or "")
