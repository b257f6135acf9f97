"""What a deployment with DEBUG off must set, read by rehabplan/settings.py before Django starts.

Plain functions of the values the settings read, so a missing or development value is named in one line before any
process serves a request or runs a task.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Caches that every process on every host shares: the throttles and login counters must count across all of them.
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
)
# Backends that keep mail inside the process or on its disk: nobody would ever receive it.
UNDELIVERED_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # noqa: S104 - a name compared, nothing bound


def production_setting_problems(
    *, database_url: str, cache_backend: str, email_backend: str, site_url: str
) -> list[str]:
    """One phrase per setting that is missing or still the development one, each naming its variable."""
    problems = []
    if not database_url:
        problems.append("DATABASE_URL must be set (postgres://USER:PASSWORD@HOST:5432/NAME)")
    elif urlsplit(database_url).scheme.startswith("sqlite"):
        problems.append("DATABASE_URL must name PostgreSQL, not SQLite")
    if cache_backend not in SHARED_CACHE_BACKENDS:
        problems.append("CACHE_URL must name a shared cache such as rediscache://HOST:6379/1, not a per-process one")
    if email_backend in UNDELIVERED_EMAIL_BACKENDS:
        problems.append("EMAIL_URL must name a mail server such as smtp+tls://USER:PASSWORD@HOST:587")
    host = (urlsplit(site_url).hostname or "").lower()
    if not host or host in LOOPBACK_HOSTS or host.endswith(".localhost"):
        problems.append("SITE_URL must be the public address, such as https://rehabplan.example.org")
    return problems
