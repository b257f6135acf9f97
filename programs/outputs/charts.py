"""Progress charts as inline SVG, drawn by pygal from plain data (a runner's page and a physio's view share them).

pygal's own output is trimmed before it reaches a page: its tooltip script and the configuration it feeds are
dropped (nothing may load from another host, and without the script the configuration does nothing), and so are
its comments. The SVG gets a `<title>` and `role="img"`; every chart's figures are also in a table the page shows
under it, so nothing is only in the picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pygal  # type: ignore[import-untyped]
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from programs.clinical.progress import PainPoint, WeekAdherence, WeekRunning

# The stylesheet's brand, ink and warning colours: each has at least 4.5:1 contrast on white.
BRAND = "#0b5563"
INK = "#1b1f23"
MUTED = "#4d5660"
TARGET = "#8c959f"  # 3:1 on white (a graphic) and much lighter than the brand, so the bars differ in lightness too
WARN = "#8a4600"
BAD = "#a40e26"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

# A 4:3 drawing that scales down to a 360 px phone (the stylesheet caps SVGs at 100 % width); the type is sized for
# that scale, so labels stay readable on a phone.
WIDTH = 400
HEIGHT = 300


def _style(*colors: str, stroke_width: float = 1) -> Style:
    return Style(
        stroke_width=str(stroke_width),
        background="#ffffff",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=MUTED,
        colors=colors,
        font_family=FONT,
        title_font_size=17,
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=13,
        tooltip_font_size=13,
        no_data_font_size=18,
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        guide_stroke_color=MUTED,
        major_guide_stroke_color=MUTED,
    )


def _config(title: str, *colors: str, stroke_width: float = 1, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "js": [],
        "disable_xml_declaration": True,
        "width": WIDTH,
        "height": HEIGHT,
        "style": _style(*colors, stroke_width=stroke_width),
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "margin": 8,
        "spacing": 8,
        "no_data_text": "Nothing logged yet",
        **options,
    }


def _svg(chart: Any, title: str) -> SafeString:
    """The chart's SVG element, without pygal's script, configuration and comments, labelled for screen readers."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.endswith("script") or not tag:  # comments have a callable tag
                parent.remove(child)
    tree.set("role", "img")
    tree.set("aria-label", title)
    tree.set("class", "chart")
    label = etree.Element("title")
    label.text = title
    tree.insert(0, label)
    markup = etree.tostring(tree, encoding="unicode")
    return mark_safe(markup)  # noqa: S308 - pygal's own escaped output, no user text beyond our labels


def adherence_chart(weeks: Sequence[WeekAdherence], title: str = "Sessions done each week") -> SafeString:
    chart = pygal.Bar(
        **_config(title, BRAND, range=(0, 100), y_labels=[0, 25, 50, 75, 100], show_legend=False, print_values=False)
    )
    chart.x_labels = [f"Wk {w.week}" for w in weeks]
    chart.value_formatter = lambda value: f"{value:.0f}%"
    chart.add("Sessions done", [w.percent for w in weeks])
    return _svg(chart, title)


def pain_chart(points: Sequence[PainPoint], pain_limit: int | None, title: str = "Pain, 0 to 10") -> SafeString:
    chart = pygal.Line(
        **_config(
            title,
            BAD,
            BRAND,
            WARN,
            stroke_width=3,
            range=(0, 10),
            y_labels=[0, 2, 4, 6, 8, 10],
            x_labels_major_count=5,
            show_minor_x_labels=False,
            truncate_label=-1,
            dots_size=4,
            legend_at_bottom_columns=3,
            margin_right=24,  # room for the last date's label
        )
    )
    chart.x_labels = [_short_date(p.date) for p in points]
    chart.add("During", [p.during for p in points])
    chart.add("Morning", [p.morning for p in points])
    if pain_limit is not None and points:
        chart.add(
            f"Limit {pain_limit}",
            [pain_limit] * len(points),
            show_dots=False,
            stroke_style={"width": 2, "dasharray": "6, 4"},
        )
    return _svg(chart, title)


def running_chart(weeks: Sequence[WeekRunning], unit: str, title: str = "") -> SafeString:
    title = title or f"Running each week ({unit})"
    chart = pygal.Bar(**_config(title, TARGET, BRAND, range=(0, max([1.0, *(max(w.target, w.ran) for w in weeks)]))))
    chart.x_labels = [f"Wk {w.week}" for w in weeks]
    chart.value_formatter = lambda value: f"{value:g} {unit}"
    chart.add("Target", [w.target for w in weeks])
    chart.add("Run", [w.ran for w in weeks])
    return _svg(chart, title)


def _short_date(date: dt.date) -> str:
    return f"{date.day} {date:%b}"
