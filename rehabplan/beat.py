"""Exactly one Celery beat, however many hosts start one: RedBeat's lock in Redis.

The beat that holds the lock sends the schedule and extends the lock on every tick; any other beat waits for the lock
(trying every BEAT_MAX_INTERVAL seconds) and takes over within BEAT_LOCK_TIMEOUT seconds of the holder
stopping or dying. The schedule's last runs are kept in Redis too, so a takeover sends nothing twice.

RedBeat ends beat with a traceback when a tick cannot reach Redis, and leaves a beat that could not take the lock at
start without one. This scheduler instead logs one line and tries again a minute later; a lock that lapsed while
Redis was away is waited for again, as at start, so a beat that took over meanwhile keeps it, and the schedule is
written again, so a Redis that lost its data gets it back.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from redbeat import RedBeatScheduler
from redbeat.schedulers import acquire_distributed_beat_lock
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("celery.beat")

OUTAGE_RETRY_SECONDS = 60.0
REDIS_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


class OneBeatScheduler(RedBeatScheduler):
    lock: Any = None  # a redis Lock while this beat holds it (RedBeat's own attribute, given a type)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            if self.lock_key and self.lock is None:
                self.wait_for_lock()
            return float(super().tick(*args, **kwargs))
        except REDIS_OUTAGE_ERRORS as error:
            logger.warning("beat: Redis unreachable, trying again in %d s: %s", OUTAGE_RETRY_SECONDS, error)
            return OUTAGE_RETRY_SECONDS
        except LockError:
            logger.warning("beat: The lock lapsed while Redis was away; waiting for it again")
            self.lock = None
            return 0.0

    def wait_for_lock(self) -> None:
        """What RedBeat does when beat starts: blocks while another beat holds the lock, then holds it. The schedule
        is written again (keeping each entry's last run), in case Redis came back without its data."""
        acquire_distributed_beat_lock(sender=SimpleNamespace(scheduler=self))
        self.setup_schedule()
