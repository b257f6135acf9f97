"""Choosing a new password, signed in (change) or from an e-mailed link (reset).

A new password ends everything the old one opened: every API token goes (`User.save`) and every other session stops
(Django's session check compares the password hash). A change keeps the session that made it; a reset also proves
the mailbox, so it confirms the address.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from accounts.verification import email_mark_verified


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        email_mark_verified(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")
