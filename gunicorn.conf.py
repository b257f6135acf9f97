"""gunicorn's settings: read by itself whenever gunicorn starts in the repository root (`make run`, deployments).

The request limits match what the app makes and accepts (README "Limits and headers"): a request over them is
refused by gunicorn before Django sees it, with gunicorn's own plain answer (414 for the request line, 431 for the
header fields), so they are set well above anything a RehabPlan page, link or API client sends. Bodies are bounded by
the app itself (API_MAX_BODY_BYTES, a JSON 413) and by the reverse proxy in front.
The address, the number of workers and the rest come from the command line or gunicorn's own environment variables
(`WEB_CONCURRENCY`, `GUNICORN_CMD_ARGS`).
"""

# The request line: method, path and query. The longest URL the app makes (a sign-in or invitation link, a filtered
# API list) is under 500 bytes; gunicorn's default (4094) stays, written here so that it is a choice.
limit_request_line = 4094
# Header fields per request: a browser sends about 20, an API client fewer.
limit_request_fields = 50
# One header field (name and value): the largest is the Cookie header with the session and CSRF cookies (about
# 150 bytes) or `Authorization: Bearer <key>` (under 100).
limit_request_field_size = 8190
