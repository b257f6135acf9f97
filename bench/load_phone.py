"""One phone for `bench/load.py --mix html` (a locust file): a signed-in runner opening Today, logging, then opening Progress.

Each simulated phone takes one runner's session cookie from the file named by `LOAD_SESSIONS` (bench/load.py writes
it), so nobody signs in during the run, as on phones that stay signed in. The log is what Today offers: the first
session form still open today, filled in as a runner would (every set ticked, pain 2), or else the morning check.
Every answer must be a 2xx after redirects; anything else counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

SESSIONS: list[str] = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text())
_next_phone = itertools.count()
# Django accepts the unmasked 32-character secret as the token; the phone sends it back as the cookie and header.
CSRF_SECRET = uuid.uuid4().hex
PAIN = "2"


class FirstLogForm(HTMLParser):
    """The fields of the first `<form data-offline-queue>` on Today (a session still to log), as the phone sends it."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and "data-offline-queue" in attributes:
            self._inside, self.action = True, attributes.get("action")
        if not self._inside:
            return
        name = attributes.get("name")
        if tag == "select" and name:
            # A pain answer: 2/10, well under every rule's threshold, so the plan goes on as planned.
            self.fields.append((name, PAIN))
        elif tag == "input" and name:
            self._input(name, attributes)

    def _input(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text")
        if kind in {"hidden", "checkbox"}:
            self.fields.append((name, attributes.get("value", "on")))
        elif kind == "radio":
            if not any(field == name for field, _ in self.fields):
                self.fields.append((name, attributes.get("value", "")))
        elif kind == "number":
            self.fields.append((name, attributes.get("value") or PAIN))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside, self._done = False, True


class Phone(HttpUser):
    # A runner reads each page before the next tap.
    wait_time = between(5, 15)

    def on_start(self) -> None:
        session_key = SESSIONS[next(_next_phone) % len(SESSIONS)]
        self.client.cookies.set("sessionid", session_key)
        self.client.cookies.set("csrftoken", CSRF_SECRET)

    @task
    def today_log_progress(self) -> None:
        today = self.client.get("/", name="Today")
        form = FirstLogForm()
        form.feed(today.text)
        headers = {"X-CSRFToken": CSRF_SECRET}
        if form.action:
            self.client.post(form.action, data=form.fields, headers=headers, name="log a session")
        else:
            answers = {"client_id": str(uuid.uuid4()), "next_morning_pain": "1", "any_red_flags": "no"}
            self.client.post("/morning-check/", data=answers, headers=headers, name="morning check")
        self.client.get("/progress/", name="Progress")
