"""Logging filters the settings' LOGGING names."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

BROKER_OUTAGE_ERRORS = (BrokerUnreachable, RedisConnectionError, RedisTimeoutError, ConnectionError)


# Beat's lines while it waits for the broker or for its schedule's Redis, every 2, 4, … up to 30 seconds.
RECONNECTING_PREFIXES = ("beat: Connection error", "beat: Retrying Redis connection")
RECONNECTING_EVERY_SECONDS = 60.0


class OneLineBrokerOutage(logging.Filter):
    """Beat's record of a task it could not send carries two stack traces (about 150 lines) every minute of a Redis
    outage; while the broker is unreachable it becomes one line naming the task and the error. Any other failure
    keeps its traceback. Beat's "trying again" line, while it waits to connect, is let through once a minute."""

    def __init__(self) -> None:
        super().__init__()
        self.last_reconnecting_line: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(RECONNECTING_PREFIXES):
            return self._once_a_minute(record.created)
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _broker_outage(error):
            # Beat's own error names the entry ("Couldn't apply scheduled task <name>: <broker error>").
            record.msg = "%s"
            record.args = (_first_line(error),)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True

    def _once_a_minute(self, created: float) -> bool:
        last = self.last_reconnecting_line
        if last is not None and 0 <= created - last < RECONNECTING_EVERY_SECONDS:
            return False
        self.last_reconnecting_line = created
        return True


def _broker_outage(error: BaseException) -> bool:
    """Beat wraps the broker's error in its own, so the causes are read too."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, BROKER_OUTAGE_ERRORS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
