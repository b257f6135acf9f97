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

from programs.clinical.config import DEFAULT_CONFIG, RulesConfig
from programs.clinical.types import RED_FLAGS, URGENCIES, Intake, Referral, Symptoms
from programs.clinical.words import urgency_words

_LEFT_OUT = {
    "neural_tension": "stretches and leg swings that pull on the nerve at the back of the leg",
    "lengthening_load": "exercises that lengthen or load the hamstring as it lengthens (Nordics, deadlifts, stretches)",
}
NERVE = frozenset({"neural_tension"})
AVULSION = frozenset({"lengthening_load", "neural_tension"})


@dataclass(frozen=True)
class Finding:
    urgency: str
    noticed: str
    stops_plan: bool
    restricts: frozenset[str] = frozenset()  # contraindication tags left out until cleared (advise tier)
    protect_only: bool = False  # stay in the pathway's first stage until cleared (advise tier)


def _stop(urgency: str, noticed: str) -> Finding:
    return Finding(urgency, noticed, stops_plan=True)


def _advise(urgency: str, noticed: str, restricts: frozenset[str] = frozenset(), protect: bool = False) -> Finding:
    return Finding(urgency, noticed, stops_plan=False, restricts=restricts, protect_only=protect)


def red_flag_findings(symptoms: Symptoms, age: int, config: RulesConfig = DEFAULT_CONFIG) -> tuple[Finding, ...]:
    """Every finding with its tier and urgency. Sources in docs/clinical-sources.md §9.3 unless noted.

    Stop tier:
    - bladder or bowel change, or numbness around the groin or buttocks → emergency (possible cauda equina);
    - unable to walk normally or bear weight → urgent (possible severe tear or proximal avulsion; repair within
      6 weeks returns runners sooner, Subbu 2015);
    - a pop together with bruising, or bruising or swelling spreading fast → urgent (grade 2-3 strain or avulsion);
    - fever or feeling unwell → urgent (infection such as infectious bursitis, seed 004);
    - night pain together with unexplained weight loss, a history of cancer, or age over 50 and not improving → urgent
      (the malignancy and infection cluster);
    - pain at rest of `config.rest_pain_stop` or more → urgent (house choice, conservative: above the advise band).
    Advise tier (the plan goes on, with the advice on every page):
    - numbness or tingling, or pain radiating below the buttock → soon; no nerve-tensioning stretches or swings;
    - sudden onset at the sit bone → urgent (possible proximal avulsion, Subbu 2015); first stage only, no
      lengthening or eccentric loading;
    - a pop with normal walking and no bruising, or bruising without a pop → urgent; same restriction (house choice
      for bruising alone: it can mean a bigger tear);
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
        found.append(_stop("urgent", "you cannot walk normally or put your weight on the leg"))
    if s.felt_pop and s.bruising:
        found.append(_stop("urgent", "a pop when it started, with bruising"))
    if s.spreading_bruising_or_swelling:
        found.append(_stop("urgent", "bruising or swelling that is spreading fast"))
    if s.fever_or_unwell:
        found.append(_stop("urgent", "fever or feeling unwell"))
    cluster = s.unexplained_weight_loss or s.history_of_cancer or (age > 50 and s.not_improving)
    if s.night_pain and cluster:
        found.append(_stop("urgent", "pain at night together with " + _cluster_words(s, age)))
    if s.pain_at_rest >= config.rest_pain_stop:
        found.append(_stop("urgent", f"pain at rest of {s.pain_at_rest}/10"))
    if s.numbness_or_tingling or s.location == "radiating":
        what = "numbness or tingling" if s.numbness_or_tingling else "pain spreading below the buttock"
        found.append(_advise("soon", what, NERVE))
    if s.onset == "sudden" and s.location == "sit_bone":
        found.append(_advise("urgent", "pain that started suddenly at the sit bone", AVULSION, protect=True))
    if s.felt_pop and not s.bruising and not s.unable_to_walk_normally:
        found.append(_advise("urgent", "a pop when it started", AVULSION, protect=True))
    if s.bruising and not s.felt_pop:
        found.append(_advise("urgent", "bruising on the back of the thigh", AVULSION, protect=True))
    if s.swelling and not s.spreading_bruising_or_swelling:
        found.append(_advise("soon", "swelling"))
    if s.night_pain and not cluster:
        found.append(_advise("soon", "pain at night"))
    if config.rest_pain_referral <= s.pain_at_rest < config.rest_pain_stop:
        found.append(_advise("soon", f"pain at rest of {s.pain_at_rest}/10"))
    weeks = s.days_since_onset / 7
    if s.not_improving and weeks > config.no_improvement_weeks and s.side != "none":
        found.append(_advise("soon", f"pain for {weeks:.0f} weeks that is not getting better"))
    return tuple(found)


def _cluster_words(s: Symptoms, age: int) -> str:
    words = []
    if s.unexplained_weight_loss:
        words.append("unexplained weight loss")
    if s.history_of_cancer:
        words.append("a history of cancer")
    if age > 50 and s.not_improving:
        words.append("pain that is not getting better at over 50")
    return " and ".join(words)


def referral_from(findings: tuple[Finding, ...]) -> Referral | None:
    """One referral for all findings: the stop tier if any finding stops the plan; the highest urgency wins."""
    if not findings:
        return None
    stops = any(f.stops_plan for f in findings)
    urgency = min((f.urgency for f in findings), key=URGENCIES.index)
    noticed = "; ".join(f.noticed for f in findings)
    restrictions = sorted({tag for f in findings for tag in f.restricts})
    if stops:
        message = (
            f"You told us about: {noticed}. This app does not diagnose, and these signs need a professional to look "
            f"at them before any exercise plan. {urgency_words(urgency)} Your plan will be ready once a clinician has cleared "
            "you."
        )
    else:
        left_out = " and ".join(_LEFT_OUT[tag] for tag in restrictions if tag in _LEFT_OUT)
        message = (
            f"You told us about: {noticed}. This app does not diagnose, and this needs checking by a professional. "
            f"{urgency_words(urgency)} You can follow the plan meanwhile"
            + (f"; it leaves out {left_out}" if left_out else "")
            + (" and keeps you in its first, protective stage" if any(f.protect_only for f in findings) else "")
            + " until a clinician has cleared you. Stop and get help sooner if it gets worse."
        )
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
    )


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
