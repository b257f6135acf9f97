"""Where a dose comes from, in plain words: every source text the catalogue, the pathways and the rules write reads
as sentences on "Why?", with the full citation one tap further for a physio, and never as the working shorthand."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from programs.clinical.pathway_files import load_pathways
from programs.clinical.run_cuts import CUT_SOURCE
from programs.clinical.running_start import SOURCES as RUNNING_SOURCES
from programs.clinical.sources import HOUSE_NOTE, source_notes
from programs.models import PlannedSession
from tests.factories.programs import PlanFactory
from tests.pages import at
from tests.programs.plans import START

# The working shorthand of the source texts: seed numbers, section signs, PubMed Central ids, house labels, file paths.
CODES = re.compile(r"\bseeds?\b|§|\bPMC\d|house (?:choice|cap|default|start|step)|docs/|clinical-sources", re.I)


def _every_source_text() -> list[str]:
    texts = [spec.source for spec in load_catalogue_file().exercises]
    for pathway in load_pathways().values():
        texts += pathway.source
        for phase in pathway.phases:
            for item in phase.items:
                texts += [candidate.source for candidate in (item, *item.alternatives)]
    texts += [*RUNNING_SOURCES.values(), CUT_SOURCE]
    return sorted({text for text in texts if text})


SOURCE_TEXTS = _every_source_text()


def _render(source: str, reader: Any) -> str:
    return html.unescape(
        render_to_string("programs/_sources.html", {"source": source, "summary": "Why?", "user": reader})
    )


def test_the_texts_really_carry_the_shorthand_this_guards_against() -> None:
    assert sum(bool(CODES.search(text)) for text in SOURCE_TEXTS) > 50


@pytest.mark.parametrize("source", SOURCE_TEXTS)
def test_every_source_reads_as_plain_sentences_for_a_runner_and_a_physio(source: str) -> None:
    notes = source_notes(source)
    assert notes, source
    runner_view = _render(source, AnonymousUser())
    physio_view = _render(source, type("Physio", (), {"is_physio": True})())
    for view in (runner_view, physio_view):
        assert not CODES.search(view), (source, CODES.search(view))
        assert view.count("<li>") >= len(notes)
    assert "Full citations" in physio_view and "Full citations" not in runner_view
    assert all(note.plain in runner_view and note.citation not in runner_view for note in notes)
    assert all(note.citation in physio_view for note in notes)


@pytest.mark.parametrize("source", [text for text in SOURCE_TEXTS if re.search(r"\b(19|20)\d\d\b", text)])
def test_every_dated_work_cited_has_its_own_sentence(source: str) -> None:
    """A work the data cites by its year needs an entry in the mapping: it must not pass as a cautious default."""
    own = [n for n in source_notes(source) if n != HOUSE_NOTE and not n.plain.startswith("Exercise advice from")]
    assert own, source


def test_a_trial_is_told_as_who_was_studied_and_what_it_showed() -> None:
    notes = source_notes("Petersen 2011 AJSM cluster-RCT, Table 1 (docs/clinical-sources.md §2.2)")
    assert [n.plain for n in notes] == [
        "In a 2011 trial with 942 football players, a 10-week Nordic hamstring program cut new hamstring injuries by "
        "more than half."
    ]
    assert "Am J Sports Med. 2011" in notes[0].citation


def test_works_come_once_in_the_order_cited_and_house_choices_read_as_the_cautious_default() -> None:
    notes = source_notes(
        "seeds 002, 003; stationary bike 10 min (Heiderscheit 2010); +2 min a week (seed 002) up to a house cap of 30"
    )
    plains = [n.plain for n in notes]
    assert plains[0].startswith("A running clinic's advice") and plains[1].startswith("A popular article")
    assert plains[2].startswith("Sports physiotherapists' 2010 guide")
    assert notes[-1] == HOUSE_NOTE and len(plains) == len(set(plains)) == 4
    assert HOUSE_NOTE.plain.startswith("RehabPlan's cautious default")


def test_an_empty_source_has_no_notes() -> None:
    assert source_notes("") == ()


def test_the_cycling_card_does_not_promise_more_than_the_plan_builds_to() -> None:
    cycling = next(spec for spec in load_catalogue_file().exercises if spec.slug == "cycling_clip_in")
    assert not any("hour" in cue for cue in (cycling.description, *cycling.cues))


@pytest.mark.parametrize("pathway", sorted(load_pathways()))
def test_no_page_shows_the_shorthand_to_the_runner_or_their_physio(
    client: Client, runner: User, physio: User, pathway: str
) -> None:
    plan = PlanFactory(runner=runner, pathway=pathway, weeks=8)
    first = PlannedSession.objects.filter(plan=plan).exclude(kind="rest").order_by("date").first()
    assert first is not None
    pages = [
        (runner, reverse("programs:plan-day", args=[plan.pk, first.date])),
        (runner, reverse("programs:home")),
        (physio, reverse("programs:patient-detail", args=[runner.pk])),
        (physio, reverse("programs:plan-day", args=[plan.pk, first.date])),
        (physio, reverse("programs:plan-week", args=[plan.pk, 1])),
        (runner, reverse("programs:plan-print", args=[plan.pk])),
    ]
    for reader, url in pages:
        client.force_login(reader)
        with at(first.date if reader == runner else START):
            response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        text = html.unescape(re.sub(r"<[^>]+>", " ", page[page.find("<body") :]))
        assert not CODES.search(text), (url, CODES.search(text))
        if reader == physio:
            assert "Full citations" in text, url
