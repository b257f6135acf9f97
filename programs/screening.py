"""Red-flag screening of an intake (docs/clinical-sources.md §9.3). Runs before anything is generated.

A red flag stops the plan: the runner is told what we noticed, that the app does not diagnose, whom to see and how
soon (docs/design.md §5). The most urgent finding sets the urgency; every finding is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .domain import URGENCIES, Intake, Referral
from .rules_config import DEFAULT_CONFIG, RulesConfig

_WHO = {
    "emergency": "Go to an emergency department now (or call your emergency number).",
    "urgent": "See a doctor or sports physiotherapist within 24-48 hours.",
    "soon": "Book a doctor or sports physiotherapist within the next week.",
}


@dataclass(frozen=True)
class Finding:
    urgency: str
    noticed: str


def red_flag_findings(intake: Intake, config: RulesConfig = DEFAULT_CONFIG) -> tuple[Finding, ...]:
    """Every red flag in the intake, with its urgency. Each rule's source is in docs/clinical-sources.md §9.3.

    - Bladder or bowel change → emergency: possible cauda equina (LBP guideline summaries).
    - Unable to walk normally → urgent: possible severe tear or proximal avulsion; repair within 6 weeks returns
      runners sooner (Subbu 2015).
    - Felt a pop, or bruising → urgent: grade 2-3 strain or avulsion signs (seed 004; leagravetherapy; §9.1).
    - Fever or feeling unwell → urgent: infection such as infectious bursitis (seed 004; guideline summaries).
    - Numbness or tingling → soon: possible sciatic nerve or back involvement (gmphysio; seed 000).
    - Night pain → soon: pain that disrupts sleep is the top stage of overuse-pain scales (PMC4486915).
    - Swelling → soon: "visible bruising or swelling → seek medical attention" (seed 003).
    - Pain at rest ≥ config.rest_pain_referral → soon (see RulesConfig).
    - Pain walking or at rest for more than config.no_improvement_weeks → soon ("no improvement after 1 month").
    """
    s = intake.symptoms
    found: list[Finding] = []
    if s.bladder_or_bowel_change:
        found.append(Finding("emergency", "a change in bladder or bowel control"))
    if s.unable_to_walk_normally:
        found.append(Finding("urgent", "you cannot walk normally"))
    if s.felt_pop:
        found.append(Finding("urgent", "you felt a pop when it started"))
    if s.bruising:
        found.append(Finding("urgent", "bruising on the back of the thigh"))
    if s.fever_or_unwell:
        found.append(Finding("urgent", "fever or feeling unwell"))
    if s.numbness_or_tingling:
        found.append(Finding("soon", "numbness or tingling"))
    if s.night_pain:
        found.append(Finding("soon", "pain at night"))
    if s.swelling:
        found.append(Finding("soon", "swelling"))
    if s.pain_at_rest >= config.rest_pain_referral:
        found.append(Finding("soon", f"pain at rest of {s.pain_at_rest}/10"))
    if s.weeks_since_onset > config.no_improvement_weeks and max(s.pain_walking, s.pain_at_rest) > 0:
        found.append(Finding("soon", f"pain in daily life for {s.weeks_since_onset} weeks"))
    return tuple(found)


def screen_red_flags(intake: Intake, *, config: RulesConfig = DEFAULT_CONFIG) -> Referral | None:
    """A referral if the intake has any red flag, else None. Highest urgency wins; all findings are listed."""
    findings = red_flag_findings(intake, config)
    if not findings:
        return None
    urgency = min((f.urgency for f in findings), key=URGENCIES.index)
    noticed = "; ".join(f.noticed for f in findings)
    message = (
        f"You told us about: {noticed}. This app does not diagnose, and these signs need a professional to look at "
        f"them before any exercise plan. {_WHO[urgency]} Your plan will be ready once a clinician has cleared you."
    )
    if intake.symptoms.numbness_or_tingling and urgency != "emergency":
        message += (
            " If the numbness is around your groin or buttocks, or bladder or bowel control changes, go to an "
            "emergency department now."
        )
    return Referral(urgency=urgency, message=message, reasons=tuple(f.noticed for f in findings))
