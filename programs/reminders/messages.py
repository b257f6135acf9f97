"""What a reminder says: the e-mail's subject and text and the push notification, for each kind of reminder. Pure.

The callers pass words already written for runners (a day's session lines from `reminder_selectors.session_lines`,
the decisions' reasons, the physio's attention flags) and absolute links; nothing here reads the database or the
clock. The unsubscribe footer is added by delivery, so every text ends with the link the message is about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PUSH_LIMIT = 120  # characters: a lock screen shows about two lines of a notification's body


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # plain-text e-mail body; the unsubscribe footer is added by delivery, not here
    push_title: str
    push_body: str  # short (≤ PUSH_LIMIT characters)
    url: str  # absolute link the message opens (Today, the plan, the patient list)


@dataclass(frozen=True)
class DigestPatient:
    name: str
    flags: tuple[str, ...]  # plain words, e.g. "Red flag reported", "Pain above their limit"
    url: str


def long_date(day: dt.date) -> str:
    """'Monday 23 November': a reminder is read days later in an inbox, so the weekday alone is not enough.
    Built from English names whatever the process locale, as every other word here is English."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ---------------------------------------------------------------- the kinds


def session_reminder(*, day: dt.date, lines: Sequence[str], today_url: str) -> Message:
    """The day's planned items, one line each, and the way to Today."""
    lines = _clean(lines)
    if lines:
        plan = "\n".join(f"- {line}" for line in lines)
        text = (
            f"Your plan for today, {long_date(day)}:\n\n{plan}\n\n"
            "Go by how your leg feels: stop an exercise if the pain goes above your limit. "
            "When you are done, log how it went on Today.\n\n"
            f"Open Today: {today_url}"
        )
        # The warm-up always comes first and would fill the lock screen; the e-mail and Today list it.
        body = _fit([line for line in lines if not line.startswith("Warm-up:")] or lines)
    else:
        text = f"You have a session planned today, {long_date(day)}.\n\nSee it on Today: {today_url}"
        body = "You have a session planned today. Open Today to see it."
    subject = _session_subject(lines)
    return Message(subject=subject, text=text, push_title=subject, push_body=body, url=today_url)


def morning_check(*, session_day: dt.date, check_url: str) -> Message:
    """The morning after a session day: next-morning pain and stiffness are what the plan builds on."""
    text = (
        f"After your session on {long_date(session_day)}, how does your leg feel this morning?\n\n"
        "Take a minute to record your pain and stiffness, from 0 to 10, before the day gets going. "
        "Your plan uses it to decide whether to build up, hold or ease off.\n\n"
        f"Record it: {check_url}"
    )
    return Message(
        subject="How does your leg feel this morning?",
        text=text,
        push_title="Morning check",
        push_body="How are your pain and stiffness this morning? It takes a minute and guides your next session.",
        url=check_url,
    )


def missed_session(*, missed_day: dt.date, today_url: str) -> Message:
    """Sent once: kind, without guilt, and what to do next."""
    weekday = _WEEKDAYS[missed_day.weekday()]
    text = (
        f"Your session on {long_date(missed_day)} was not logged. That is fine: busy days happen, "
        "and one missed session does not undo your progress.\n\n"
        "There is no need to make it up or do extra. Just carry on with what today's plan says, "
        "at a pace that feels right for your leg.\n\n"
        f"Open Today: {today_url}"
    )
    return Message(
        subject="Picking up your plan again",
        text=text,
        push_title="Ready when you are",
        push_body=f"No worries about {weekday}'s session. Just carry on with today's plan, no need to make it up.",
        url=today_url,
    )


def plan_changed(*, reasons: Sequence[str], plan_url: str, red_flag_stop: bool = False) -> Message:
    """What changed in the coming days and why, one message for the day's decisions.

    `red_flag_stop`: the plan is stopped because of a red flag. The runner must read, before anything else, that they
    stop and see a clinician, and that this is a precaution, not a diagnosis."""
    reasons = _unique(_sentence_case(reason) for reason in _clean(reasons))
    listed = "\n".join(f"- {reason}" for reason in reasons)
    if red_flag_stop:
        why = f"\n\nWhat you told us:\n{listed}" if reasons else ""
        text = (
            "Please stop the exercises and runs in your plan for now, and see a doctor or sports physiotherapist.\n\n"
            "RehabPlan does not diagnose: this is a precaution based on what you told us, and it needs a "
            "professional to look at it. If it gets worse, get help sooner."
            f"{why}\n\n"
            f"Your plan starts again once a clinician has cleared you. See your plan: {plan_url}"
        )
        return Message(
            subject="Please stop your plan and see a clinician",
            text=text,
            push_title="Stop your plan and see a clinician",
            push_body="Please stop your exercises and runs and see a doctor or physio. This is a precaution, not a diagnosis.",
            url=plan_url,
        )
    if reasons:
        text = f"Your plan for the coming days has changed:\n\n{listed}\n\nSee your plan: {plan_url}"
        body = _fit(reasons)
    else:
        text = f"Your plan for the coming days has changed.\n\nSee what is new: {plan_url}"
        body = "Your plan for the coming days has changed. Open it to see what is new."
    return Message(
        subject="Your plan has changed", text=text, push_title="Your plan has changed", push_body=body, url=plan_url
    )


def physio_digest(*, patients: Sequence[DigestPatient], patients_url: str) -> Message:
    """Patients with attention flags, one line each with its link."""
    if not patients:
        return Message(
            subject="No patients need a look",
            text=f"None of your patients needs a look right now.\n\nYour patients: {patients_url}",
            push_title="No patients need a look",
            push_body="None of your patients needs a look right now.",
            url=patients_url,
        )
    count = len(patients)
    subject = "1 patient needs a look" if count == 1 else f"{count} patients need a look"
    entries = "\n\n".join(f"- {_patient_line(patient)}\n  {patient.url}" for patient in patients)
    text = f"{subject}:\n\n{entries}\n\nAll your patients: {patients_url}"
    return Message(
        subject=subject,
        text=text,
        push_title=subject,
        push_body=_fit([_patient_line(patient) for patient in patients]),
        url=patients_url,
    )


def combined(messages: Sequence[Message]) -> Message:
    """Several messages due at the same minute for one person, as one: the first leads (its subject, title and
    link), the others follow as sections of the text."""
    if not messages:
        raise ValueError("combined() needs at least one message")
    first, others = messages[0], messages[1:]
    if not others:
        return first
    more = "1 more update" if len(others) == 1 else f"{len(others)} more updates"
    sections = "\n\n\n".join(f"{message.subject}\n\n{message.text}" for message in messages)
    return Message(
        subject=f"{first.subject} (and {more})",
        text=sections,
        push_title=first.push_title,
        push_body=_fit([message.push_body for message in messages], sep=" "),
        url=first.url,
    )


# ---------------------------------------------------------------- wording helpers

# A run's line as session_lines writes it: "Easy run: 5 km", "Race: 13.1 miles", or "Run" for a run with no distance.
_RUN_LINE = re.compile(r"^(?P<name>[^:]+): (?P<distance>\d+(?:\.\d+)? (?:km|miles|mi))$|^Run$")


def _session_subject(lines: Sequence[str]) -> str:
    """'Today: your exercises and an easy run', 'Today: easy run, 5 km', or 'Your session today' when the lines do
    not say (no lines at all)."""
    if not lines:
        return "Your session today"
    runs = [match for line in lines if (match := _RUN_LINE.match(line))]
    exercises = len(runs) < len(lines)
    if not runs:
        return "Today: your exercises"
    if len(runs) > 1:
        run = f"{len(runs)} runs"
    else:
        name = (runs[0]["name"] or "run").strip().lower()
        if not exercises and runs[0]["distance"]:
            return f"Today: {name}, {runs[0]['distance']}"
        run = f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
    return f"Today: your exercises and {run}" if exercises else f"Today: {run}"


def _patient_line(patient: DigestPatient) -> str:
    return f"{patient.name}: {'; '.join(patient.flags)}" if patient.flags else patient.name


def _clean(texts: Sequence[str]) -> list[str]:
    return [text.strip() for text in texts if text and text.strip()]


def _unique(texts: Iterable[str]) -> list[str]:
    """In order, each once: a day's decisions often repeat a reason (the same pause for two exercises)."""
    return list(dict.fromkeys(texts))


def _sentence_case(text: str) -> str:
    """The rules write reasons as clauses ('you reported on Mon 5 Jan: …'); in a list each starts a line."""
    return text[:1].upper() + text[1:]


def _fit(parts: Sequence[str], *, sep: str = "; ", limit: int = PUSH_LIMIT) -> str:
    """As many whole parts as fit in `limit` characters, then how many were left out ('…, and 3 more'); the first
    part is shortened at a word only when it alone is too long."""
    parts = _clean(parts)
    if not parts:
        return ""
    for shown in range(len(parts), 0, -1):
        left = len(parts) - shown
        text = sep.join(parts[:shown]) + (f", and {left} more" if left else "")
        if len(text) <= limit:
            return text
    left = len(parts) - 1
    suffix = f", and {left} more" if left else ""
    return _cut(parts[0], limit - len(suffix)) + suffix


def _cut(text: str, limit: int = PUSH_LIMIT) -> str:
    """`text` in at most `limit` characters, cut after a whole word with '…' when it is longer."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; otherwise a very long word is cut through
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"
