"""The form of a message between a runner and their physio (both sides write with it)."""

from __future__ import annotations

from django import forms

from accounts import care


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=care.MESSAGE_MAX_LENGTH,
        error_messages={
            "required": "Write something to send.",
            "max_length": f"Keep a message to {care.MESSAGE_MAX_LENGTH} characters or fewer.",
        },
    )
