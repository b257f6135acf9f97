"""The product's settings plus one bare view (bench/bench_urls.py) for bench/api_today.py to compare against."""

from __future__ import annotations

from rehabplan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
