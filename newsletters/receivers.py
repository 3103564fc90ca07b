"""Signal receivers: the newsletter tick boxes at sign-up and checkout, resuming sends on worker start."""

from allauth.account.signals import user_signed_up
from celery.signals import worker_ready
from django.dispatch import receiver
from oscar.apps.checkout.signals import pre_payment

OPT_IN_FIELD = "newsletter_opt_in"


@receiver(user_signed_up)
def subscribe_on_registration(sender, request, user, **kwargs):
    """The sign-up form's unticked-by-default box; still double opt-in (a confirmation mail)."""
    from newsletters.subscriptions import request_subscription

    if request is not None and request.POST.get(OPT_IN_FIELD) and user.email:
        request_subscription(user.email, source="registration", request=request, name=user.get_full_name(), user=user)


@receiver(pre_payment)
def subscribe_at_checkout(sender, view, **kwargs):
    """The box on the order preview, sent with "Pay with PayPal"; a guest's address is the checkout's."""
    from newsletters.subscriptions import request_subscription

    request = view.request
    if not request.POST.get(OPT_IN_FIELD):
        return
    user = request.user if request.user.is_authenticated else None
    email = user.email if user else view.checkout_session.get_guest_email()
    if email:
        request_subscription(email, source="checkout", request=request, user=user)


@worker_ready.connect
def resume_interrupted_sends(sender, **kwargs):
    """A worker that starts after a crash picks up sends left half-done (their pending rows)."""
    from newsletters.tasks import resume_newsletter_sends

    resume_newsletter_sends.delay()
