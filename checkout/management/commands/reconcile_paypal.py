"""Finish or refund PayPal payments stuck after approval or capture (also a Celery beat task)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from checkout.paypal.reconcile import reconcile_stale


class Command(BaseCommand):
    help = "Complete or refund PayPal payment attempts untouched for --older-than seconds. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=300, help="Seconds since the attempt last changed.")

    def handle(self, *args, older_than, **options):
        results = reconcile_stale(timedelta(seconds=older_than))
        if not results:
            self.stdout.write("Nothing to reconcile.")
        for outcome, count in sorted(results.items()):
            self.stdout.write(f"{outcome}: {count}")
