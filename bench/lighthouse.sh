#!/usr/bin/env bash
# Lighthouse accessibility and best-practices scores of Today (signed in as the demo runner) and the intake's first
# step, on a phone (Lighthouse's mobile form factor), against a production-like server: DEBUG=0, gunicorn, static
# files collected and served by WhiteNoise. Targets: accessibility 100, best practices >= 95.
#
# Run: bash bench/lighthouse.sh   (needs node >= 18 and npm; chromium at /usr/bin/chromium, see
# scripts/ensure-chromium.sh). It uses a throwaway SQLite database and leaves the reports in var/lighthouse/.
# Exit status: 0 when both pages meet the targets, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
LIGHTHOUSE_VERSION=12.8.2  # the last release that runs on node 20 (13.x needs node >= 22.19)
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=$ROOT/var/lighthouse
WORK=$(mktemp -d)
mkdir -p "$OUT"

[ -x "$CHROME_PATH" ] || { echo "Chromium is missing at $CHROME_PATH: run bash scripts/ensure-chromium.sh."; exit 1; }
command -v npm >/dev/null || { echo "npm is missing: install node and npm (apt-get install nodejs npm)."; exit 1; }

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Installing lighthouse $LIGHTHOUSE_VERSION into a temporary folder."
npm install --prefix "$WORK/npm" --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
LIGHTHOUSE=$WORK/npm/node_modules/.bin/lighthouse

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBUG=0 SECRET_KEY="lighthouse-$(date +%s)-$RANDOM$RANDOM" ALLOWED_HOSTS=127.0.0.1,localhost \
  SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
  DATABASE_URL="sqlite:///$WORK/lighthouse.sqlite3" LOG_LEVEL=WARNING ALLOW_LOCAL_SERVICES=1

$PY manage.py migrate --noinput -v0
$PY manage.py load_catalogue >/dev/null
$PY manage.py seed_demo --allow-production >/dev/null  # a made-up password: the audit signs in by session
$PY manage.py collectstatic --noinput -v0
SESSION=$($PY manage.py shell -v0 -c '
from django.conf import settings
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(email="runner@demo.rehabplan.test"))
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
')

.venv/bin/gunicorn rehabplan.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
server=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "The server did not answer on port $PORT."; exit 1; }
# The audit of Today is worth something only if the cookie signs the demo runner in.
curl -fsS -b "sessionid=$SESSION" -o "$WORK/today.html" "http://127.0.0.1:$PORT/"
grep -q "<h1>Today" "$WORK/today.html" || { echo "The demo runner's session does not open Today; nothing audited."; exit 1; }

status=0
for page in "today /" "intake-first-step /intake/about-you/"; do
  read -r name path <<<"$page"
  CHROME_PATH=$CHROME_PATH "$LIGHTHOUSE" "http://127.0.0.1:$PORT$path" \
    --quiet --form-factor=mobile --only-categories=accessibility,best-practices \
    --extra-headers="{\"Cookie\": \"sessionid=$SESSION\"}" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --output=json --output=html --output-path="$OUT/$name" >/dev/null 2>"$WORK/$name.log" \
    || { echo "lighthouse failed on $path:"; tail -5 "$WORK/$name.log"; status=1; continue; }
  $PY - "$OUT/$name.report.json" "$name" <<'PYCODE' || status=1
import json
import sys

report = json.load(open(sys.argv[1]))
name = sys.argv[2]
if report.get("finalDisplayedUrl", "").rstrip("/").endswith("/accounts/login"):
    print(f"{name}: ended on the login page; the session cookie was not accepted")
    sys.exit(1)
targets = {"accessibility": 100, "best-practices": 95}
met = True
for key, category in report["categories"].items():
    score = round((category["score"] or 0) * 100)
    met &= score >= targets.get(key, 0)
    print(f"{name} ({report['finalDisplayedUrl']}): {category['title']} {score} (target {targets.get(key)})")
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) == 0 and audit["scoreDisplayMode"] != "binary":
            continue
        if audit["scoreDisplayMode"] in ("notApplicable", "informative", "manual") or audit["score"] in (None, 1):
            continue
        print(f"  FAIL {audit['id']}: {audit['title']}")
        for item in (audit.get("details") or {}).get("items", [])[:10]:
            node = item.get("node") or {}
            location = item.get("sourceLocation") or {}
            where = node.get("selector") or location.get("url") or item.get("url") or ""
            what = node.get("snippet") or item.get("description") or ""
            print(f"       {where} {str(what)[:160]}".rstrip())
sys.exit(0 if met else 1)
PYCODE
done
echo "Reports: $OUT/today.report.html, $OUT/intake-first-step.report.html"
exit $status
