#!/usr/bin/env bash
# `make run`: migrate, load the catalogue and demo data, then run web, Celery worker and Celery beat together.
# The address is printed only once the web server answers; a port in use is never reported as running.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

port_free() {
  $PY - "$1" <<'PYCODE'
import socket
import sys
with socket.socket() as sock:
    try:
        sock.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PYCODE
}

if [ -n "${PORT:-}" ]; then
  # A port asked for is used or refused, never silently replaced.
  if ! port_free "$PORT"; then
    echo "Port $PORT is in use; run \`PORT=$((PORT + 1)) make run\` (or stop what is using it)."
    exit 1
  fi
else
  PORT=8000
  while ! port_free "$PORT"; do
    if [ "$PORT" -ge 8020 ]; then
      echo "Ports 8000 to 8020 are all in use; run \`PORT=<a free port> make run\`."
      exit 1
    fi
    PORT=$((PORT + 1))
  done
  [ "$PORT" = 8000 ] || echo "Port 8000 is in use, so RehabPlan uses port $PORT."
fi

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

# E-mails are kept as files in var/mail/ (one per e-mail, across runs), where the worker's log would lose them at the
# next run; a .env made before this, still saying consolemail://, is overridden too. Another EMAIL_URL is used as is.
MAIL_DIR=var/mail
EMAIL_URL=$($PY - <<'PYCODE'
import environ
env = environ.Env()
environ.Env.read_env(".env")
print(env.str("EMAIL_URL", default="consolemail://"))
PYCODE
)
if [ "$EMAIL_URL" = "consolemail://" ]; then EMAIL_URL="filemail:///$MAIL_DIR"; fi
export EMAIL_URL
mkdir -p "$MAIL_DIR"

$PY manage.py migrate --noinput
$PY manage.py load_catalogue
$PY manage.py seed_demo

pids=()
cleanup() {
  trap - EXIT INT TERM
  # Each process leads its own group, so gunicorn's workers and Celery's pool stop with it.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Links in reminder e-mails point at this server.
export SITE_URL="http://127.0.0.1:$PORT"
set -m  # background jobs get process groups of their own
.venv/bin/celery -A rehabplan worker --loglevel=INFO --concurrency=2 > var/celery-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A rehabplan beat --loglevel=INFO --schedule var/celerybeat-schedule > var/celery-beat.log 2>&1 &
pids+=($!)
# gunicorn, as in production, with the request limits of gunicorn.conf.py (read from this directory); --reload
# restarts its workers when the code changes, as the development server did.
.venv/bin/gunicorn rehabplan.wsgi --bind "127.0.0.1:$PORT" --workers 2 --reload --access-logfile - &
web=$!
pids+=("$web")
set +m

answers() {
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz" 2>/dev/null
  else
    $PY -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$PORT/healthz" 2>/dev/null
  fi
}

for _ in $(seq 1 120); do
  answers && break
  if ! kill -0 "$web" 2>/dev/null; then
    echo "The web server stopped before it answered on port $PORT (its messages are above)."
    exit 1
  fi
  sleep 0.5
done
if ! answers; then
  echo "The web server did not answer on http://127.0.0.1:$PORT/healthz within a minute."
  exit 1
fi

cat <<TXT

RehabPlan is running at http://127.0.0.1:$PORT/
  API docs:   http://127.0.0.1:$PORT/api/docs/
  Admin:      http://127.0.0.1:$PORT/admin/
Demo logins (password for all four: rehabplan-demo):
  runner  runner@demo.rehabplan.test   (a plan with two weeks of logs)
  runner  runner2@demo.rehabplan.test  (needs attention: severe pain logged, next-morning pain rising)
  physio  physio@demo.rehabplan.test   (sees both demo runners' plans)
  admin   admin@demo.rehabplan.test    (staff: /admin/ only)
Celery worker and beat log to var/celery-worker.log and var/celery-beat.log. Ctrl-C stops everything.
TXT
if [ "$EMAIL_URL" = "filemail:///$MAIL_DIR" ]; then
  cat <<TXT
E-mails (reminders, sign-up links, invitations) are kept in $MAIL_DIR/, one file each, across runs: the demo
runner's first reminder arrives there within a minute. The newest: ls -t $MAIL_DIR | head -1
TXT
else
  echo "E-mails go out through the EMAIL_URL set in .env."
fi
wait -n "${pids[@]}"
