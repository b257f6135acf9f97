#!/usr/bin/env bash
# `make run`: migrate, load the catalogue and demo data, then run web, Celery worker and Celery beat together.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}

if ! $PY - <<'PYCODE'
import sys
import environ
import redis
env = environ.Env()
environ.Env.read_env(".env")
url = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
try:
    redis.Redis.from_url(url, socket_connect_timeout=2).ping()
except redis.RedisError as exc:
    print(f"Redis is not reachable at {url} ({exc.__class__.__name__}). Start it with: "
          "redis-server --daemonize yes   (install it with: apt-get install redis-server)")
    sys.exit(1)
PYCODE
then
  exit 1
fi

$PY manage.py migrate --noinput
$PY manage.py load_catalogue
$PY manage.py seed_demo

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A rehabplan worker --loglevel=INFO --concurrency=2 > var/celery-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A rehabplan beat --loglevel=INFO --schedule var/celerybeat-schedule > var/celery-beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

sleep 2
cat <<TXT

RehabPlan is running at http://127.0.0.1:$PORT/
  API docs:   http://127.0.0.1:$PORT/api/docs/
  Admin:      http://127.0.0.1:$PORT/admin/
Demo logins (password for all three: rehabplan-demo):
  runner  runner@demo.rehabplan.test
  physio  physio@demo.rehabplan.test
  admin   admin@demo.rehabplan.test
Celery worker and beat log to var/celery-worker.log and var/celery-beat.log. Ctrl-C stops everything.
TXT
wait -n "${pids[@]}"
