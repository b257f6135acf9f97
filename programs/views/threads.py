"""The message thread between a runner and each physio they share their plan with: the runner's side.

Both sides write through `accounts.care.message_send`, as the API does; only actively linked pairs have a thread,
so another physio's id is a 404. Opening the page marks the physios' messages read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import care
from accounts.models import CareLink, Message, User
from programs.forms.threads import MessageForm
from rehabplan.http import AuthenticatedRequest, runner_required


def send_from_form(form: MessageForm, *, author: User, other_id: int) -> Message | None:
    """The form's message sent through the one service, or None with the service's objections added to the form.
    Raises Http404 when the two are not actively linked (never say whether the other person exists)."""
    if not form.is_valid():
        return None
    try:
        return care.message_send(author=author, other_id=other_id, body=form.cleaned_data["body"])
    except CareLink.DoesNotExist:
        raise Http404("No such thread.") from None
    except ValidationError as error:
        form.add_error(None, error)
        return None


@dataclass
class PhysioThread:
    physio: User
    notes: list[Message] = field(default_factory=list)  # newest first
    form: MessageForm = field(default_factory=MessageForm)

    @property
    def unread(self) -> int:
        return sum(note.read_at is None and note.author_id == self.physio.pk for note in self.notes)


@login_required
def runner_messages(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_physio:
        return redirect("programs:patients")
    return _inbox(request, {})


@require_POST
@runner_required  # a physio writes from the patient's page
def runner_message_send(request: AuthenticatedRequest, physio_id: int) -> HttpResponse:
    form = MessageForm(request.POST)
    if send_from_form(form, author=request.user, other_id=physio_id) is not None:
        return redirect(reverse("programs:runner-messages") + f"#physio-{physio_id}")
    if care.thread_between(user=request.user, other_id=physio_id) is None:
        raise Http404("No such thread.")
    return _inbox(request, {physio_id: form}, status=400)


def _inbox(request: AuthenticatedRequest, forms_by_physio: dict[int, MessageForm], status: int = 200) -> HttpResponse:
    """Each actively linked physio's thread, newest first (two queries, and one to mark what was new as read)."""
    runner = request.user
    threads = {
        link.physio_id: PhysioThread(link.physio, form=forms_by_physio.get(link.physio_id) or MessageForm())
        for link in care.active_links_of_runner(runner)
    }
    for note in care.messages_visible_to(runner).order_by("-created_at", "-id"):
        if note.physio_id in threads:
            threads[note.physio_id].notes.append(note)
    if any(thread.unread for thread in threads.values()):
        care.messages_mark_read(reader=runner)
    return render(request, "programs/messages.html", {"threads": list(threads.values())}, status=status)
