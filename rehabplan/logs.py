"""Logging filters the settings' LOGGING names."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

BROKER_OUTAGE_ERRORS = (BrokerUnreachable, RedisConnectionError, RedisTimeoutError, ConnectionError)


class OneLineBrokerOutage(logging.Filter):
    """Beat's record of a task it could not send carries two stack traces (about 150 lines) every minute of a Redis
    outage; while the broker is unreachable it becomes one line naming the task and the error. Any other failure
    keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _broker_outage(error):
            # Beat's own error names the entry ("Couldn't apply scheduled task <name>: <broker error>").
            record.msg = "%s"
            record.args = (_first_line(error),)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
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
