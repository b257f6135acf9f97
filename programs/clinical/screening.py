"""Red-flag screening in two tiers (docs/clinical-sources.md §9.3; docs/design.md §5). Runs before anything is generated.

The stop tier stops the plan: no exercises, and the runner is told what we noticed, that the app does not diagnose,
whom to see and how soon. The advise tier keeps a conservative plan going with the advice on every page: the
exercises a finding makes unwise are left out (and, for a possible tendon avulsion, the runner stays in the first,
protective stage) until a clinician has cleared them. The most urgent finding sets the urgency; every finding is
listed. `screen_answers` screens raw, unvalidated answers, so a referral is never hidden behind a form error.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exercises.catalogue import Catalogue
from programs.clinical.config import DEFAULT_CONFIG, RulesConfig
from programs.clinical.types import RED_FLAGS, URGENCIES, Intake, Referral, RunningTarget, Symptoms
from programs.clinical.words import urgency_words

_LEFT_OUT = {
    "neural_tension": "stretches and leg swings that pull on the nerve at the back of the leg",
    "lengthening_load": "exercises that lengthen or load the hamstring as it lengthens (Nordics, deadlifts, stretches)",
    "suspected_avulsion": "bridges and single-leg squats (they pull on the tendon at the sit bone)",
}
NERVE = frozenset({"neural_tension"})
AVULSION = frozenset({"lengthening_load", "neural_tension", "suspected_avulsion"})
# Said whenever a finding belongs to the cluster of signs a doctor should look at (docs/clinical-sources.md §9.3).
SEE_A_DOCTOR = (
    "Because of {what}, please see a doctor, not only a physiotherapist: these signs need a doctor to rule out other "
    "causes of the pain, such as an illness elsewhere in the body."
)
NO_RUNNING = "Do not run until a clinician has cleared you: walk or cross-train instead."


@dataclass(frozen=True)
class Finding:
    urgency: str
    noticed: str
    stops_plan: bool
    restricts: frozenset[str] = frozenset()  # contraindication tags left out until cleared (advise tier)
    protect_only: bool = False  # stay in the pathway's first stage until cleared (advise tier)
    no_running: bool = False  # no running and no walk–jog until cleared (a pop, bruising, a possible avulsion)
    see_doctor: str = ""  # the cluster of signs named, when a doctor rather than only a physio should see the runner


def _stop(urgency: str, noticed: str, *, no_running: bool = False, see_doctor: str = "") -> Finding:
    return Finding(urgency, noticed, stops_plan=True, no_running=no_running, see_doctor=see_doctor)


def _advise(
    urgency: str,
    noticed: str,
    restricts: frozenset[str] = frozenset(),
    protect: bool = False,
    *,
    no_running: bool = False,
    see_doctor: str = "",
) -> Finding:
    return Finding(urgency, noticed, False, restricts, protect, no_running, see_doctor)


def red_flag_findings(symptoms: Symptoms, age: int, config: RulesConfig = DEFAULT_CONFIG) -> tuple[Finding, ...]:
    """Every finding with its tier and urgency. Sources in docs/clinical-sources.md §9.3 unless noted; the rules are
    listed in §16.1.

    Stop tier:
    - bladder or bowel change, or numbness around the groin or buttocks → emergency (possible cauda equina);
    - unable to walk normally or bear weight → urgent (possible severe tear or proximal avulsion; repair within
      6 weeks returns runners sooner, Subbu 2015);
    - a pop together with bruising, or bruising or swelling spreading fast → urgent (grade 2-3 strain or avulsion);
    - fever or feeling unwell → urgent (infection such as infectious bursitis, seed 004);
    - the cancer and infection cluster (`_cluster_findings`) with night pain, or with pain not getting better from
      `config.malignancy_screen_age` → urgent, to a doctor;
    - pain at rest of `config.rest_pain_stop` or more → urgent (house choice, conservative: above the advise band).
    Advise tier (the plan goes on, with the advice on every page):
    - numbness or tingling, or pain radiating below the buttock → soon; no nerve-tensioning stretches or swings;
    - sudden onset at the sit bone → urgent (possible proximal avulsion, Subbu 2015); first stage only, no
      lengthening or eccentric loading, no bridges or single-leg squats, no running;
    - a pop with normal walking and no bruising, or bruising without a pop → urgent; same restriction (house choice
      for bruising alone: it can mean a bigger tear);
    - the cancer and infection cluster alone → urgent, to a doctor (house choice, conservative);
    - swelling alone, or night pain alone → soon;
    - pain at rest from `config.rest_pain_referral` up to `rest_pain_stop` - 1 → soon;
    - pain for more than `config.no_improvement_weeks` weeks and not improving → soon.
    """
    s = symptoms
    found: list[Finding] = []
    if s.bladder_or_bowel_change or s.saddle_numbness:
        what = "a change in bladder or bowel control" if s.bladder_or_bowel_change else "numbness around the groin"
        found.append(_stop("emergency", what + (" or buttocks" if not s.bladder_or_bowel_change else "")))
    if s.unable_to_walk_normally:
        found.append(_stop("urgent", "you cannot walk normally or put your weight on the leg", no_running=True))
    if s.felt_pop and s.bruising:
        found.append(_stop("urgent", "a pop when it started, with bruising", no_running=True))
    if s.spreading_bruising_or_swelling:
        found.append(_stop("urgent", "bruising or swelling that is spreading fast", no_running=True))
    if s.fever_or_unwell:
        found.append(_stop("urgent", "fever or feeling unwell"))
    found.extend(_cluster_findings(s, age, config))
    if s.pain_at_rest >= config.rest_pain_stop:
        found.append(_stop("urgent", f"pain at rest of {s.pain_at_rest}/10"))
    if s.numbness_or_tingling or s.location == "radiating":
        what = "numbness or tingling" if s.numbness_or_tingling else "pain spreading below the buttock"
        found.append(_advise("soon", what, NERVE))
    if s.onset == "sudden" and s.location == "sit_bone":
        noticed = "pain that started suddenly at the sit bone"
        found.append(_advise("urgent", noticed, AVULSION, protect=True, no_running=True))
    if s.felt_pop and not s.bruising and not s.unable_to_walk_normally:
        found.append(_advise("urgent", "a pop when it started", AVULSION, protect=True, no_running=True))
    if s.bruising and not s.felt_pop:
        found.append(_advise("urgent", "bruising on the back of the thigh", AVULSION, protect=True, no_running=True))
    if s.swelling and not s.spreading_bruising_or_swelling:
        found.append(_advise("soon", "swelling"))
    if s.night_pain and not any(f.noticed.startswith("pain at night") for f in found):
        found.append(_advise("soon", "pain at night"))
    if config.rest_pain_referral <= s.pain_at_rest < config.rest_pain_stop:
        found.append(_advise("soon", f"pain at rest of {s.pain_at_rest}/10"))
    weeks = s.days_since_onset / 7
    if s.not_improving and weeks > config.no_improvement_weeks and s.side != "none":
        found.append(_advise("soon", f"pain for {weeks:.0f} weeks that is not getting better"))
    return tuple(found)


def _cluster_findings(s: Symptoms, age: int, config: RulesConfig) -> list[Finding]:
    """The cancer and infection cluster (docs/clinical-sources.md §9.3), each answer named and a doctor named.

    Unexplained weight loss always counts; a history of cancer counts when there is pain (a pain-free runner's
    history says nothing about this leg). Pain not getting better from `config.malignancy_screen_age` counts only
    together with another sign: on its own it is the "not getting better" advice."""
    cluster = [
        words
        for answered, words in (
            (s.unexplained_weight_loss, "unexplained weight loss"),
            (s.history_of_cancer and s.symptomatic, "a history of cancer"),
        )
        if answered
    ]
    older = age >= config.malignancy_screen_age and s.not_improving and s.symptomatic
    named = _in_words([*cluster, *([f"pain that is not getting better at {age}"] if older else [])])
    if s.night_pain and (cluster or older):
        return [_stop("urgent", f"pain at night together with {named}", see_doctor=named)]
    if cluster and older:
        return [_stop("urgent", named, see_doctor=named)]
    return [_advise("urgent", named, see_doctor=named)] if cluster else []


def referral_from(findings: tuple[Finding, ...]) -> Referral | None:
    """One referral for all findings: the stop tier if any finding stops the plan; the highest urgency wins."""
    if not findings:
        return None
    stops = any(f.stops_plan for f in findings)
    urgency = min((f.urgency for f in findings), key=URGENCIES.index)
    noticed = "; ".join(f.noticed for f in findings)
    restrictions = sorted({tag for f in findings for tag in f.restricts})
    no_running = any(f.no_running for f in findings)
    if stops:
        message = (
            f"You told us about: {noticed}. This app does not diagnose, and these signs need a professional to look "
            f"at them before any exercise plan. {urgency_words(urgency)} Your plan will be ready once a clinician has cleared "
            "you."
        )
    else:
        left_out = _in_words([_LEFT_OUT[tag] for tag in restrictions if tag in _LEFT_OUT], separator="; ")
        message = (
            f"You told us about: {noticed}. This app does not diagnose, and this needs checking by a professional. "
            f"{urgency_words(urgency)} You can follow the plan meanwhile"
            + (f"; it leaves out {left_out}" if left_out else "")
            + (", and it keeps you in its first, protective stage" if any(f.protect_only for f in findings) else "")
            + " until a clinician has cleared you. Stop and get help sooner if it gets worse."
        )
    doctor = _in_words([f.see_doctor for f in findings if f.see_doctor])
    if doctor:
        message += " " + SEE_A_DOCTOR.format(what=doctor)
    if no_running:
        message += " " + NO_RUNNING
    if any("numb" in f.noticed or "spreading below" in f.noticed for f in findings) and urgency != "emergency":
        message += (
            " If you get numbness around your groin or buttocks, or bladder or bowel control changes, go to an "
            "emergency department now."
        )
    return Referral(
        urgency=urgency,
        message=message,
        reasons=tuple(f.noticed for f in findings),
        stops_plan=stops,
        restrictions=tuple(restrictions) if not stops else (),
        protect_only=not stops and any(f.protect_only for f in findings),
        no_running=no_running,
    )


def _in_words(parts: list[str], separator: str = ", ") -> str:
    """'a', 'a and b', 'a, b and c' (or 'a; b; and c' for parts that hold commas of their own)."""
    parts = list(dict.fromkeys(parts))
    last = f"{separator.strip()} and " if separator != ", " and len(parts) > 2 else " and "
    return last.join(filter(None, [separator.join(parts[:-1]), *parts[-1:]]))


def with_advice(referral: Referral | None, advisories: tuple[str, ...]) -> Referral | None:
    """Add the rules' own advice (e.g. next-morning pain still rising after a week) to a referral, or make one: an
    advisory, soon, beside the plan."""
    if not advisories:
        return referral
    advice = tuple(a.split(": ", 1)[-1] for a in advisories)
    text = " ".join(f"{a[0].upper()}{a[1:]}." for a in advice)
    if referral is None:
        return Referral(
            urgency="soon",
            message=f"{text} {urgency_words('soon')} The plan goes on meanwhile without raising the load.",
            reasons=advice,
            stops_plan=False,
        )
    return dataclasses.replace(referral, message=f"{referral.message} {text}", reasons=(*referral.reasons, *advice))


def screen_red_flags(intake: Intake, *, config: RulesConfig = DEFAULT_CONFIG) -> Referral | None:
    """A referral if the intake has any finding, else None."""
    return referral_from(red_flag_findings(intake.symptoms, intake.age, config))


def _yes(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "yes", "1"})


def _pain(value: Any) -> int:
    number = _finite(value)
    return max(0, min(10, int(number))) if number is not None else 0


def _finite(value: Any) -> float | None:
    """A readable, finite number (an API body may carry 1e400 or a 5,000-digit integer), else None."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def screen_answers(data: Mapping[str, Any], *, config: RulesConfig = DEFAULT_CONFIG) -> Referral | None:
    """Screen raw intake answers that may not be valid, so a red flag is reported together with any field errors
    (an answer that cannot be read counts as no; every readable yes counts)."""
    if not isinstance(data, Mapping):
        return None
    raw = data.get("symptoms")
    raw = raw if isinstance(raw, Mapping) else {}
    flags: dict[str, Any] = {name: _yes(raw.get(name)) for name in (*RED_FLAGS, "not_improving")}
    symptoms = Symptoms(
        side=str(raw.get("side") or "none"),
        onset=str(raw.get("onset") or "none"),
        days_since_onset=round(_number(raw.get("weeks_since_onset")) * 7),
        pain_at_rest=_pain(raw.get("pain_at_rest")),
        location=raw.get("location") if isinstance(raw.get("location"), str) else None,
        **flags,
    )
    return referral_from(red_flag_findings(symptoms, _int(data.get("age")), config))


def _number(value: Any) -> float:
    number = _finite(value)
    return min(max(0.0, number), 10_000.0) if number is not None else 0.0


def _int(value: Any) -> int:
    number = _finite(value)
    return int(min(max(0.0, number), 1_000.0)) if number is not None else 0


def plan_findings(intake: Intake, pain_limit: int, config: RulesConfig = DEFAULT_CONFIG) -> tuple[Finding, ...]:
    """Advice that needs the chosen pathway (docs/clinical-sources.md §16.1): running that already hurts more than the
    plan's pain limit (soon; urgent from the severe-pain floor), and strains that keep coming back (soon)."""
    found: list[Finding] = []
    running = intake.symptoms.pain_running
    if running > pain_limit:
        urgency = "urgent" if running >= config.severe_pain_floor else "soon"
        noticed = f"running hurts {running}/10, more than this plan allows ({pain_limit}/10)"
        found.append(_advise(urgency, noticed))
    strains = intake.symptoms.previous_strains
    if strains >= config.recurrent_strains_referral:
        noticed = f"{strains} earlier hamstring strains: a physiotherapist should look at why they keep coming back"
        found.append(_advise("soon", noticed))
    return tuple(found)


def screen_for_plan(
    intake: Intake, pain_limit: int, *, config: RulesConfig = DEFAULT_CONFIG, advisories: tuple[str, ...] = ()
) -> Referral | None:
    """The red flags of the intake, the advice that needs the chosen pathway, and the rules' own advice."""
    findings = red_flag_findings(intake.symptoms, intake.age, config) + plan_findings(intake, pain_limit, config)
    return with_advice(referral_from(findings), advisories)


# A synthetic tag (never in the catalogue file): while a finding rules out running, every run, walk–jog and running
# drill carries it, so the generator leaves them out exactly as it leaves out a contraindicated exercise.
NO_RUNNING_TAG = "no_running"
RUNNING_CATEGORIES = frozenset({"running", "drill"})


def without_running(catalogue: Catalogue) -> Catalogue:
    """The catalogue with runs, walk–jog and running drills marked `NO_RUNNING_TAG`."""
    return Catalogue(
        catalogue.version,
        tuple(
            dataclasses.replace(spec, contraindications=spec.contraindications | {NO_RUNNING_TAG})
            if spec.category in RUNNING_CATEGORIES
            else spec
            for spec in catalogue.exercises
        ),
    )


def no_running_target(target: RunningTarget) -> RunningTarget:
    """A week without running while a pop, bruising or a possible tendon tear at the sit bone waits for a clinician."""
    return dataclasses.replace(
        target,
        target_distance=0.0,
        max_runs=0,
        rest_days=7,
        speed_work_allowed=False,
        reason=(
            "No running this week: a pop, bruising or pain that started suddenly at the sit bone needs a clinician to "
            "check it first. Walk or cross-train instead until you are cleared."
        ),
        source="docs/clinical-sources.md §9.3 and §16.1: no running or lengthening load until a clinician clears it",
    )
