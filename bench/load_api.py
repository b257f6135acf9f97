"""One phone app for `bench/load.py --mix api` (a locust file): a runner's app on the REST API with its token.

Each loop: `GET plans/{id}/today/`; every third loop a session log (`POST logs/`); then the plan
(`GET plans/{id}/`) on even loops or this week (`GET plans/{id}/weeks/{n}/`) on odd ones. Every read sends
`If-None-Match` with the ETag the phone holds for that URL, as docs/api.md asks of a client, so an unchanged read is
a 304 and a read after a log (a new revision) is a 200 with the new body. 0.5 to 1.5 s between loops: short enough
that 200 phones ask for well over 200 requests a second, so the server is what bounds the rate.

Each phone is one runner from the file named by `LOAD_API_PHONES` (bench/load.py writes it): token, plan, this
week's number and the bodies of its sessions to log. Today's body carries no session ids yet, so bench/load.py reads
them from the database when it makes the runners. Each body is sent once as a new log ("log"); a phone with none
left sends its last one again, the same `client_id` ("log again"): the retry of docs/api.md, answered 201 with the
stored log. Every answer must be a 2xx or a 304; anything else counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PHONES: list[dict[str, Any]] = json.loads(Path(os.environ["LOAD_API_PHONES"]).read_text())
_next_phone = itertools.count()
LOG_EVERY = 3
# How many of each read were answered 304 (the ETag still held), written for bench/load.py when the run ends.
STATUSES: Counter[str] = Counter()


@events.quitting.add_listener
def _write_statuses(**_kwargs: Any) -> None:
    Path(os.environ["LOAD_API_STATUSES"]).write_text(json.dumps(STATUSES))


class ApiPhone(FastHttpUser):
    # A runner glances at the app between taps; short, so the rate is the server's to bound (see the docstring).
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        phone = PHONES[next(_next_phone) % len(PHONES)]
        self.plan = phone["plan"]
        self.week = phone["week"]
        self.logs: list[dict[str, Any]] = list(phone["logs"])
        self.last_log: dict[str, Any] | None = None
        self.auth = {"Authorization": f"Token {phone['token']}"}
        self.etags: dict[str, str] = {}
        self.loops = 0

    def read(self, path: str, name: str) -> None:
        headers = dict(self.auth)
        if path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            STATUSES[f"{name} {response.status_code}"] += 1
            if response.status_code == 200:
                self.etags[path] = response.headers.get("ETag", "")
            elif response.status_code != 304:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def log(self) -> None:
        if self.logs:
            self.last_log, name = self.logs.pop(0), "log"
        elif self.last_log is not None:
            name = "log again"
        else:
            return
        with self.client.post(
            "/api/v1/logs/", json=self.last_log, headers=self.auth, name=name, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task
    def loop(self) -> None:
        self.loops += 1
        self.read(f"/api/v1/plans/{self.plan}/today/", "today")
        if self.loops % LOG_EVERY == 0:
            self.log()
        if self.loops % 2 == 0:
            self.read(f"/api/v1/plans/{self.plan}/", "plan")
        else:
            self.read(f"/api/v1/plans/{self.plan}/weeks/{self.week}/", "week")
