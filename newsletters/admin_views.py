"""The marketer's side in the Wagtail admin: list newsletters, send a test, send or schedule, watch.

Reached from the "Newsletters" menu item and the "Send newsletter" button in a newsletter's page
header (both registered in wagtail_hooks.py). Sending needs the `send_newsletter` permission.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from newsletters.models import NewsletterPage, NewsletterSend
from newsletters.rendering import PreparedNewsletter, render_newsletter
from newsletters.tasks import start_newsletter_send
from newsletters.transport import ConnectionFailure, PermanentFailure, TemporaryFailure, open_transport

SEND_PERMISSION = "newsletters.send_newsletter"


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label="Send at (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="The newsletter goes out at this time; you can cancel until then.",
    )

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if send_at <= timezone.now():
            raise forms.ValidationError("Pick a time in the future, or use “Send now”.")
        return send_at


def newsletter_index(request):
    newsletters = NewsletterPage.objects.order_by("-latest_revision_created_at").select_related("send", "segment")
    return TemplateResponse(
        request,
        "newsletters/admin/index.html",
        {"newsletters": newsletters, "header_title": "Newsletters", "page_title": "Newsletters", "header_icon": "mail"},
    )


def send_newsletter(request, page_id):
    if not request.user.has_perm(SEND_PERMISSION):
        raise PermissionDenied
    newsletter = get_object_or_404(NewsletterPage, pk=page_id)
    send = NewsletterSend.objects.filter(newsletter=newsletter).first()
    schedule_form = ScheduleForm(request.POST if request.POST.get("action") == "schedule" else None)
    action = request.POST.get("action")
    if request.method == "POST" and action == "test":
        _send_test(request, newsletter)
        return redirect("newsletters_admin:send", page_id)
    if request.method == "POST" and action in {"send_now", "schedule"}:
        if send is not None:
            messages.error(request, "This newsletter has already been sent or scheduled.")
        elif not newsletter.live:
            messages.error(request, "Publish the newsletter first: subscribers get the published version.")
        elif action == "send_now" and request.POST.get("confirmed") != "yes":
            return _render(request, newsletter, send, schedule_form, confirm_send=True)
        elif action == "send_now" or schedule_form.is_valid():
            send_at = timezone.now() if action == "send_now" else schedule_form.cleaned_data["send_at"]
            _start(request, newsletter, send_at)
        else:
            return _render(request, newsletter, send, schedule_form, status=400)
        return redirect("newsletters_admin:send", page_id)
    if request.method == "POST" and action == "cancel":
        cancelled = NewsletterSend.objects.filter(pk=getattr(send, "pk", None), state=NewsletterSend.State.SCHEDULED)
        if cancelled.delete()[0]:
            messages.success(request, "The scheduled send is cancelled.")
        else:
            messages.error(request, "Too late to cancel: sending has started.")
        return redirect("newsletters_admin:send", page_id)
    return _render(request, newsletter, send, schedule_form)


def _render(request, newsletter, send, schedule_form, confirm_send=False, status=200):
    context = {
        "newsletter": newsletter,
        "send": send,
        "schedule_form": schedule_form,
        "confirm_send": confirm_send,
        "header_title": f"Send “{newsletter.title}”",
        "page_title": "Send newsletter",
        "page_subtitle": newsletter.title,
        "header_icon": "mail",
    }
    if send is None or send.state == NewsletterSend.State.SCHEDULED:
        context["audience_size"] = newsletter.audience().count()
    if send is not None and send.state != NewsletterSend.State.SCHEDULED:
        context["progress"] = send.progress()
        context["failures"] = newsletter.deliveries.filter(status="failed").select_related("subscriber")[:100]
    return TemplateResponse(request, "newsletters/admin/send.html", context, status=status)


def _start(request, newsletter, send_at):
    try:
        with transaction.atomic():
            NewsletterSend.objects.create(newsletter=newsletter, scheduled_for=send_at, requested_by=request.user)
    except IntegrityError:  # a double click: the first click already started it
        messages.error(request, "This newsletter has already been sent or scheduled.")
        return
    transaction.on_commit(lambda: start_newsletter_send.apply_async((newsletter.pk,), eta=send_at))
    if send_at > timezone.now():
        messages.success(request, f"Scheduled for {send_at:%Y-%m-%d %H:%M} UTC.")
    else:
        messages.success(request, "Sending has started.")


def _send_test(request, newsletter):
    """One message to the marketer's own address, composed exactly like the real ones."""
    address = request.user.email
    if not address:
        messages.error(request, "Your account has no email address; add one in your account settings.")
        return
    html, text = render_newsletter(newsletter)
    draft = NewsletterSend(
        newsletter=newsletter, subject=f"[Test] {newsletter.email_subject}", html_body=html, text_body=text
    )
    prepared = PreparedNewsletter(draft)
    try:
        with open_transport() as transport:
            transport.send(prepared.sender, address, prepared.message_for(0, address, request.user.first_name))
    except (ConnectionFailure, TemporaryFailure, PermanentFailure) as error:
        messages.error(request, f"The test could not be sent: {error}")
        return
    messages.success(request, f"Test sent to {address}.")
