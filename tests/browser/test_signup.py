"""A stranger on a phone: create an account, confirm it from the e-mail, answer the intake, and land on Today with a
plan."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import Plan
from tests.browser.test_intake import walk_the_intake

PASSWORD = "a long enough demo passphrase"


def test_sign_up_then_the_intake_then_today(page: Page) -> None:
    page.goto("/accounts/signup/")
    form = page.locator("main form")
    form.get_by_label("First name").fill("Robin")
    form.locator('input[type="email"]').fill("signed.up@example.test")
    passwords = form.locator('input[type="password"]')
    for index in range(passwords.count()):
        passwords.nth(index).fill(PASSWORD)
    form.locator('button:not([type="button"])').last.click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    (confirmation,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/verify/\S+/", confirmation.body)
    assert link is not None, confirmation.body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_load_state()
    if not re.search(r"/intake/", page.url):
        page.get_by_role("link", name="Start my plan").click()

    walk_the_intake(page)

    expect(page).to_have_url(re.compile(r"/$"))
    runner = User.objects.get(email="signed.up@example.test")
    assert runner.first_name == "Robin"
    assert runner.is_runner and Plan.objects.filter(runner=runner, status=PlanStatus.ACTIVE).exists()
    expect(page.locator("article.session").or_(page.get_by_role("heading", name="Rest day")).first).to_be_visible()
