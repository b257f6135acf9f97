"""How long a sign-in link works, for the pages that offer one (the e-mail says the same, from the same setting)."""

from __future__ import annotations

from django import template

from accounts.services import login_link_lifetime

register = template.Library()

register.simple_tag(login_link_lifetime)
