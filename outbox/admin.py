"""The outbox in /django-admin/: read-only, so what it shows is what was sent; "Retry now" for
pending and failed mail (after an SMTP outage, or a fixed address)."""

from django.contrib import admin, messages
from django.db import transaction

from outbox.models import OutboxEmail
from outbox.tasks import enqueue_delivery


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "state", "recipients", "subject", "attempts", "last_error_short", "sent_at"]
    list_filter = ["state"]
    search_fields = ["subject", "message_id", "to"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "message_id",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "subject",
        "body",
        "html_body",
        "headers",
    ]
    readonly_fields = fields

    @admin.display(description="to")
    def recipients(self, email):
        return ", ".join(email.to + email.cc + email.bcc)

    @admin.display(description="last error")
    def last_error_short(self, email):
        return email.last_error[:120]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's action needs the change permission; a single email is never edited.
        return obj is None and super().has_change_permission(request)

    @admin.action(description="Retry now (failed mail starts its attempts again)")
    def retry_now(self, request, queryset):
        with transaction.atomic():
            retried = list(
                queryset.select_for_update().exclude(state=OutboxEmail.State.SENT).values_list("pk", flat=True)
            )
            OutboxEmail.objects.filter(pk__in=retried, state=OutboxEmail.State.FAILED).update(attempts=0)
            OutboxEmail.objects.filter(pk__in=retried).update(
                state=OutboxEmail.State.PENDING, next_attempt_at=OutboxEmail.lease_until()
            )
            transaction.on_commit(lambda: enqueue_delivery(retried))
        skipped = queryset.count() - len(retried)
        self.message_user(request, f"{len(retried)} email(s) queued for delivery.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} email(s) already sent were left alone.", messages.INFO)
