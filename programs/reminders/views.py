"""The one-click unsubscribe link in every reminder e-mail (RFC 8058).

Mail scanners open links to check them, so GET only asks; the POST, from the button or straight from the mail
provider (body `List-Unsubscribe=One-Click`, no cookie, no CSRF token), does it. The signed token is the authority.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from programs.reminders.delivery import KIND_NAMES, choices_place, reminders_unsubscribe, unsubscribe_request


@csrf_exempt  # the mail provider's one-click POST carries no CSRF token; the signed token stands in for it
@never_cache
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    wanted = unsubscribe_request(token)
    if wanted is None:
        return render(request, "programs/unsubscribe.html", {"state": "bad"}, status=400)
    done = request.method == "POST"
    if done:
        reminders_unsubscribe(user_id=wanted.user_id, kind=wanted.kind)
    context = {"state": "done" if done else "ask", "what": KIND_NAMES[wanted.kind], "place": choices_place(wanted.kind)}
    return render(request, "programs/unsubscribe.html", context)
