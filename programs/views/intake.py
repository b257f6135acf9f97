"""The intake wizard: five short steps, then a plan (or, for a stop-tier red flag, the see-a-clinician page).

Answers stay in the runner's session between steps exactly as typed, so Back and errors never lose anything. The last
step runs the whole `IntakeSerializer`; a message it gives is shown next to the field it is about, on that field's
step. Each answer set is kept for the runner who typed it only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanStatus
from programs.clinical.screening import screen_answers
from programs.clinical.words import URGENCY_WORDS, urgency_words
from programs.forms.intake import (
    PLAN_WEEKS_DEFAULT,
    AboutYouForm,
    EquipmentDaysForm,
    HamstringForm,
    IntakeStepForm,
    RawAnswers,
    RunningForm,
    SafetyForm,
)
from programs.forms.intake_answers import error_paths, merge_contract
from programs.models import Intake
from programs.selectors import plans as selectors
from programs.selectors.today import runner_today
from programs.services.plans import plan_start_from_intake
from programs.services.runner_settings import runner_timezone_from_browser
from rehabplan.http import AuthenticatedRequest, runner_required

SESSION_KEY = "intake_wizard"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[IntakeStepForm]
    intro: str = ""


STEPS: tuple[Step, ...] = (
    Step("about-you", "About you", AboutYouForm),
    Step(
        "running",
        "Your running",
        RunningForm,
        "Your usual running: as it was before the pain started, or as it is now if running does not hurt.",
    ),
    Step("hamstring", "Your hamstring", HamstringForm, "The hamstring is the muscle at the back of the thigh."),
    Step(
        "safety",
        "Safety questions",
        SafetyForm,
        "A few signs need a doctor or physiotherapist before any exercise plan. Please answer every question.",
    ),
    Step("equipment-and-days", "Equipment and days", EquipmentDaysForm),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}

BACK_TO_CHECK = "Before we make your plan, one of your answers on this step needs a look."
SAFETY = STEPS.index(STEP_BY_SLUG["safety"])
# A sign that stops the plan ends the questions at the safety step (nothing more to ask, no plan to make): the stopped
# plan keeps these until the runner, once cleared, answers again or a physio restarts it.
UNASKED_AFTER_A_STOP: dict[str, Any] = {
    "equipment": [],
    "available_days": ["mon", "wed", "fri"],
    "minutes_per_session": 30,
}


# ---------------------------------------------------------------- the answers kept between steps


class Answers:
    """The wizard's answers in the session, per step, as typed; only ever read back for the runner who typed them."""

    def __init__(self, request: AuthenticatedRequest) -> None:
        self.request, self.runner = request, request.user
        stored = request.session.get(SESSION_KEY)
        if not isinstance(stored, dict) or stored.get("runner") != self.runner.pk:
            stored = {"runner": self.runner.pk, "raw": _previous_answers(self.runner), "errors": {}, "checked": ""}
        self.stored: dict[str, Any] = stored

    def raw(self, slug: str) -> RawAnswers | None:
        raw = self.stored["raw"].get(slug)
        return raw if isinstance(raw, dict) else None

    def keep(self, slug: str, raw: RawAnswers) -> None:
        self.stored["raw"][slug] = raw
        self.stored["errors"].pop(slug, None)
        self.save()

    def show_errors_on(self, slug: str, errors: list[tuple[str, str]]) -> None:
        """The step to send the runner back to, with the final check's messages for it (possibly none)."""
        self.stored["checked"] = slug
        self.stored["errors"][slug] = errors
        self.save()

    def take_errors(self, slug: str) -> list[tuple[str, str]] | None:
        """The messages to show on this step once, or None when the step is shown afresh."""
        if self.stored.get("checked") != slug:
            return None
        self.stored["checked"] = ""
        errors = [tuple(pair) for pair in self.stored["errors"].pop(slug, [])]
        self.save()
        return cast(list[tuple[str, str]], errors)

    def save(self) -> None:
        self.request.session[SESSION_KEY] = self.stored

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)


def _previous_answers(runner: User) -> dict[str, RawAnswers]:
    """Start from the runner's latest intake, or from their chosen units the first time."""
    latest: Intake | None = Intake.objects.for_runner(runner).latest_first().first()
    if latest is None:
        profile = getattr(runner, "runner_profile", None)
        return {"about-you": {"age": "", "sex": "", "units": profile.units if profile else "km"}}
    answered_on = timezone.localdate(latest.created_at)
    return {step.slug: step.form.raw_from_intake(latest.data, answered_on=answered_on) for step in STEPS}


def _as_data(raw: RawAnswers) -> MultiValueDict[str, str]:
    return MultiValueDict({name: value if isinstance(value, list) else [value] for name, value in raw.items()})


def _form_kwargs(answers: Answers) -> dict[str, Any]:
    about = answers.raw("about-you") or {}
    unit = about.get("units")
    return {"unit": unit if unit in ("km", "mi") else "km", "today": runner_today(answers.runner)}


def _checked_form(step: Step, answers: Answers) -> IntakeStepForm | None:
    """The step's kept answers, checked; None when it has not been answered yet."""
    raw = answers.raw(step.slug)
    if raw is None:
        return None
    form = step.form(_as_data(raw), **_form_kwargs(answers))
    form.is_valid()
    return form


def _first_unfinished(answers: Answers, before: int) -> Step | None:
    for step in STEPS[:before]:
        form = _checked_form(step, answers)
        if form is None or not form.is_valid():
            return step
    return None


# ---------------------------------------------------------------- pages


@runner_required
def start(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("programs:intake-step", slug=STEPS[0].slug)


@runner_required
@require_http_methods(["GET", "POST"])
def step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    current = STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404("No such step.")
    index = STEPS.index(current)
    answers = Answers(request)
    if request.method == "POST":
        return _submit(request, answers, current, index)
    unfinished = _first_unfinished(answers, index)
    if unfinished is not None:
        return redirect("programs:intake-step", slug=unfinished.slug)
    if index > SAFETY and _stop_referral_so_far(answers) is not None:
        return redirect("programs:intake-step", slug=STEPS[SAFETY].slug)
    errors = answers.take_errors(current.slug)
    checked = _checked_form(current, answers) if errors is not None else None
    if checked is not None:
        for path, message in errors or []:
            checked.add_contract_error(path, message)
    form = checked or current.form(initial=answers.raw(current.slug) or {}, **_form_kwargs(answers))
    return _render_step(request, answers, current, index, form)


def _submit(request: AuthenticatedRequest, answers: Answers, current: Step, index: int) -> HttpResponse:
    form = current.form(request.POST, **_form_kwargs(answers))
    answers.keep(current.slug, form.raw_answers())
    runner_timezone_from_browser(user=request.user, timezone_name=request.POST.get("timezone", ""))
    if request.POST.get("nav") == "back" and index > 0:
        return redirect("programs:intake-step", slug=STEPS[index - 1].slug)
    if not form.is_valid():
        return _render_step(request, answers, current, index, form, status=400)
    if index >= SAFETY and _stop_referral_so_far(answers) is not None:
        return _finish(request, answers, plan_weeks=PLAN_WEEKS_DEFAULT, stopped=True)
    if index + 1 < len(STEPS):
        return redirect("programs:intake-step", slug=STEPS[index + 1].slug)
    return _finish(request, answers, plan_weeks=form.cleaned_data["plan_weeks"])


def _render_step(
    request: AuthenticatedRequest,
    answers: Answers,
    current: Step,
    index: int,
    form: IntakeStepForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "step": current,
        "steps": STEPS,
        "number": index + 1,
        "total": len(STEPS),
        "previous": STEPS[index - 1] if index else None,
        "last": index + 1 == len(STEPS),
        "form": form,
        "stop_referral": _stop_referral_so_far(answers) if index >= SAFETY else None,
        "urgency_words": URGENCY_WORDS,
    }
    return render(request, "programs/intake/step.html", context, status=status)


def _stop_referral_so_far(answers: Answers) -> Any:
    """A stop-tier finding from the answers so far, shown at once: it is never held back until the last step."""
    flat: dict[str, Any] = {}
    for each in STEPS:
        form = _checked_form(each, answers)
        if form is not None:
            flat |= form.cleaned_data
    referral = screen_answers({"age": flat.get("age"), "symptoms": flat})
    return referral if referral is not None and referral.stops_plan else None


def _finish(request: AuthenticatedRequest, answers: Answers, *, plan_weeks: int, stopped: bool = False) -> HttpResponse:
    parts = []
    for each in STEPS[: SAFETY + 1] if stopped else STEPS:
        form = _checked_form(each, answers)
        if form is None or not form.is_valid():
            answers.show_errors_on(each.slug, [])
            messages.error(request, BACK_TO_CHECK)
            return redirect("programs:intake-step", slug=each.slug)
        parts.append(form.contract())
    today = runner_today(request.user)
    parts += [UNASKED_AFTER_A_STOP] if stopped else []
    serializer = IntakeSerializer(data=merge_contract(parts), context={"start": today})
    if not serializer.is_valid():
        return _back_to_first_error(request, answers, error_paths(serializer.errors))
    plan = plan_start_from_intake(runner=request.user, data=serializer.data, start=today, weeks=plan_weeks)
    answers.clear()
    if plan.status == PlanStatus.NEEDS_CLINICIAN:
        return redirect("programs:intake-referral")
    if plan.referral:
        messages.warning(request, "Your plan is ready. Please read the advice at the top first.")
    else:
        messages.success(request, "Your plan is ready.")
    return redirect("programs:home")


def _back_to_first_error(
    request: AuthenticatedRequest, answers: Answers, errors: list[tuple[str, str]]
) -> HttpResponse:
    """Send the runner to the first step that one of the messages is about, with its messages next to its fields."""
    for each in STEPS:
        mine = [(path, message) for path, message in errors if _belongs_to(each, path)]
        if mine:
            answers.show_errors_on(each.slug, mine)
            messages.error(request, BACK_TO_CHECK)
            return redirect("programs:intake-step", slug=each.slug)
    answers.show_errors_on(STEPS[0].slug, errors)
    messages.error(request, BACK_TO_CHECK)
    return redirect("programs:intake-step", slug=STEPS[0].slug)


def _belongs_to(step: Step, path: str) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:n]) in step.form.contract_fields for n in range(len(parts), 0, -1))


@runner_required
def referral(request: AuthenticatedRequest) -> HttpResponse:
    """The see-a-clinician page after an intake whose answers stop the plan: what to do, how soon, and no exercises."""
    plan = selectors.runner_current_plan(request.user)
    if plan is None or plan.status != PlanStatus.NEEDS_CLINICIAN or not plan.referral:
        return redirect("programs:home")
    urgency = plan.referral.get("urgency", "urgent")
    context = {"plan": plan, "urgency": urgency, "urgency_words": urgency_words(urgency)}
    return render(request, "programs/intake/referral.html", context)
