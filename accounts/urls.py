from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views, views_access_log, views_invitations, views_password, views_push, views_verification

# The Settings page, its calendar feed, export and deletion are programs' pages (programs/urls.py), at /settings/.
app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views_verification.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/link/", views.login_link_send, name="login-link"),
    path("accounts/login/link/open/", views_verification.login_link_open, name="login-link-open"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views_password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/password/", views_password.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # A new account's address: the e-mailed link, and a new link for a signed-in account that lost it.
    path("accounts/verify/send/", views_verification.email_verify_send, name="email-verify-send"),
    path("accounts/verify/<uidb64>/<token>/", views_verification.email_verify, name="email-verify"),
    path("accounts/deleted/", views.account_deleted, name="account-deleted"),
    # The runner's side of a care link: accept an invitation, or stop a physio seeing their plan.
    path("invitations/<str:token>/", views_invitations.invitation_accept, name="invitation-accept"),
    path("settings/physios/<int:physio_id>/revoke/", views.physio_revoke, name="physio-revoke"),
    # Who of them, or of RehabPlan's staff, read or changed the runner's data (accounts.access_log).
    path("settings/access-log/", views_access_log.access_log, name="access-log"),
    # Settings → Notifications on this phone: where the page's script stores and removes this browser's subscription.
    path("settings/push/", views_push.push_subscribe, name="push-subscribe"),
    path("settings/push/remove/", views_push.push_unsubscribe, name="push-unsubscribe"),
]
