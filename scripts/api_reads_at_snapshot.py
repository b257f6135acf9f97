"""The API's answers to one user's GETs, read from an exported PostgreSQL snapshot: what a backup taken with
`pg_dump --snapshot=SNAPSHOT` must serve once restored (scripts/backup_restore_drill.py).

    python scripts/api_reads_at_snapshot.py SNAPSHOT USER_ID PATH [PATH …]

Runs the app in this process against DATABASE_URL inside a READ ONLY transaction on that snapshot, so nothing is
written to the running database (no token, no session); prints `{path: [status, body]}` as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+-[0-9]+")


def reads_at_snapshot(snapshot: str, user_id: int, paths: list[str]) -> dict[str, list[Any]]:
    if not SNAPSHOT_ID.fullmatch(snapshot):
        raise SystemExit(f"not a snapshot id: {snapshot!r}")
    connection.ensure_connection()  # the connection's own set-up queries run before the transaction
    answers: dict[str, list[Any]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The first statements of the transaction: it then sees exactly what the snapshot's exporter saw.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(pk=user_id))
        for path in paths:
            # As the reverse proxy hands a request to the app: HTTPS, the same host as the drill asks the copy for.
            response = client.get(path, HTTP_HOST="127.0.0.1", secure=True, HTTP_ACCEPT="application/json")
            answers[path] = [response.status_code, json.loads(response.content)]
    return answers


if __name__ == "__main__":
    snapshot_id, user, *read_paths = sys.argv[1:]
    print(json.dumps(reads_at_snapshot(snapshot_id, int(user), read_paths)))
