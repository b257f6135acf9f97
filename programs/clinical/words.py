"""Every piece of wording a person reads that more than one surface shows, written once.

Pure: no Django, no database, no clock. Pages, the API, e-mails, the calendar feed and print read these, so a runner
is never told two different things about the same fact.
"""

from __future__ import annotations

import datetime as dt
import re

# How soon to see someone, by referral urgency (programs.clinical.types.URGENCIES). The screening message, the intake's
# see-a-clinician pages and the physio's clearance page all say this sentence, so the time frame cannot drift apart.
URGENCY_WORDS: dict[str, str] = {
    "emergency": "Go to an emergency department now. If you cannot get there, call your emergency number.",
    "urgent": "See a doctor or physiotherapist within a day or two.",
    "soon": "Book a doctor or physiotherapist within the next week.",
}


def urgency_words(urgency: str) -> str:
    """The sentence for this urgency; an unknown one reads as urgent, the cautious side of 'soon'."""
    return URGENCY_WORDS.get(urgency, URGENCY_WORDS["urgent"])


def urgency_label(urgency: str) -> str:
    """'Urgent: See a doctor or physiotherapist within a day or two.', for a physio reading what the runner was told."""
    return f"{urgency.capitalize()}: {urgency_words(urgency)}"


# The rules open a reason with the verb of their decision ("regressed: pain 6/10 during it …"). A page shows the
# decision's title (PlanChangeKind's label) instead; a message has no title, so it says the verb in a runner's words.
_REASON_VERB = re.compile(r"^(progressed|regressed|held|paused|resumed|on track)\s*:\s*", re.IGNORECASE)
_REASON_VERB_WORDS: dict[str, str] = {"regressed": "stepped back", "held": "kept the same"}


def reason_without_verb(reason: str) -> str:
    """'pain 6/10 during it on Mon 5 Jan, limit 5', under a title that already says 'Stepped back'."""
    return _REASON_VERB.sub("", reason, count=1)


def reason_in_words(reason: str) -> str:
    """'stepped back: pain 6/10 during it …' for 'regressed: pain 6/10 during it …'; other reasons as they are."""
    found = _REASON_VERB.match(reason)
    if found is None:
        return reason
    verb = found.group(1).lower()
    return f"{_REASON_VERB_WORDS.get(verb, verb)}: {reason[found.end() :]}"


# A red flag (programs.clinical.types.RED_FLAGS) as the runner's answer reads back in a decision and the physio's
# attention list: "you reported on Mon 5 Jan: numbness around the groin or buttocks".
RED_FLAG_WORDS: dict[str, str] = {
    "felt_pop": "a pop or a sudden sharp pain at the back of the thigh",
    "bruising": "bruising at the back of the thigh",
    "swelling": "swelling at the back of the thigh",
    "spreading_bruising_or_swelling": "bruising or swelling that is spreading fast",
    "unable_to_walk_normally": "not being able to walk normally",
    "numbness_or_tingling": "numbness or tingling in the leg",
    "saddle_numbness": "numbness around the groin or buttocks",
    "night_pain": "pain at rest or at night",
    "bladder_or_bowel_change": "a change in bladder or bowel control",
    "fever_or_unwell": "a fever or feeling unwell",
    "unexplained_weight_loss": "weight loss without trying",
    "history_of_cancer": "a history of cancer",
}


def red_flag_words(flag: str) -> str:
    """'numbness around the groin or buttocks' for 'saddle_numbness'; a flag added later reads as plain words."""
    return RED_FLAG_WORDS.get(flag, flag.replace("_", " "))


# A session's kind in words (programs.clinical.types.SESSION_KINDS): headings on Today, the plan and print pages, the day's
# lines in e-mails, the calendar feed's event titles and the physio's program editor.
SESSION_KIND_LABELS: dict[str, str] = {
    "strength": "Strength",
    "mobility": "Mobility",
    "run": "Run",
    "cross_training": "Cross-training",
    "rest": "Rest day",
}

# The name a decision about the running load goes by (PlanChange.exercise == "running"), where other decisions name
# their exercise.
RUNNING_NAME = "Running"

# A distance unit as a runner reads it after a number ("4.7 km", "2.9 miles").
UNIT_WORDS: dict[str, str] = {"km": "km", "mi": "miles"}


def session_kind_label(kind: str) -> str:
    """'Strength', 'Run', 'Cross-training'; a kind added later without words reads as itself, in plain words."""
    return SESSION_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def short_date(date: dt.date) -> str:
    """'Mon 23 Nov': a day near today, as the pages and messages name it."""
    return f"{date:%a} {date.day} {date:%b}"


def start_window_message(start: dt.date, *, earliest: dt.date, latest: dt.date, today: dt.date) -> str:
    """What to choose instead of a start outside `earliest`..`latest` (programs.clinical.start_window): the physio's
    clearance and program pages, the assign form and the API all say this, so one surface never accepts what another
    refuses in other words."""
    if start > latest:
        return "Choose a date at most a year from today."
    if earliest == today:
        return f"Choose {short_date(today)} (the runner's today) or later: what is past stays as it was."
    back = (today - earliest).days
    how_long = "a week" if back == 7 else f"{back} days"
    return f"Choose {short_date(earliest)} or later: a plan can start at most {how_long} ago."


# The rules, the generator and the decision log write to the runner ("far above your limit of 5", "Your ache came on
# gradually"). A physio reads the same stored sentences about the runner, so their pages turn them into the third
# person here, the one place both voices are written. Most specific first: "your physio" is another physio, or the
# reader. "you" before a verb (or at a clause's start) is the subject; after these words it is the object.
_OBJECT_BEFORE = r"(?:for|to|with|tell|tells|told|ask|asks|asked|give|gives|let|lets|help|helps|keep|keeps|suit|suits)"
THIRD_PERSON: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b[Yy]our plan's rules\b", "the plan's rules"),
        (r"\bby your physio\b", "by a physio"),
        (r"\byour physio\b", "their physio"),
        (r"\bYour physio\b", "Their physio"),
        (r"\byourself\b", "themselves"),
        (r"\byou're\b", "they're"),
        (r"\bYou're\b", "They're"),
        (rf"\b({_OBJECT_BEFORE}) you\b", r"\1 them"),
        (r"\byour\b", "their"),
        (r"\bYour\b", "Their"),
        (r"\byou\b", "they"),
        (r"\bYou\b", "They"),
    )
)


def third_person(text: str) -> str:
    """A sentence written to the runner, as their physio reads it: 'far above their limit of 5', 'Their ache came
    on gradually', 'Decided by the plan's rules'. Plain 'they' keeps the verb as it was ('you have' → 'they have')."""
    for pattern, replacement in THIRD_PERSON:
        text = pattern.sub(replacement, text)
    return text


def for_reader(text: str, *, physio: bool) -> str:
    """The runner's own wording, or the third person when a physio reads it."""
    return third_person(text) if physio else text
