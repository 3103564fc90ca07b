"""Signal receivers: the newsletter tick box at registration, and resuming sends on worker start."""

from celery.signals import worker_ready
from django.dispatch import receiver
from oscar.apps.customer.signals import user_registered

OPT_IN_FIELD = "newsletter_opt_in"


@receiver(user_registered)
def subscribe_on_registration(sender, request, user, **kwargs):
    """The registration form's unticked-by-default box; still double opt-in (a confirmation mail)."""
    from newsletters.subscriptions import request_subscription

    if request is not None and request.POST.get(OPT_IN_FIELD) and user.email:
        request_subscription(user.email, source="registration", request=request, name=user.get_full_name(), user=user)


@worker_ready.connect
def resume_interrupted_sends(sender, **kwargs):
    """A worker that starts after a crash picks up sends left half-done (their pending rows)."""
    from newsletters.tasks import resume_newsletter_sends

    resume_newsletter_sends.delay()
