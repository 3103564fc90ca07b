"""Switch moderation on or off: with it on, a moderator approves every change editors make."""

from django.core.management.base import BaseCommand

from home.roles import MODERATION_WORKFLOW, MODERATORS, moderation_is_on, switch_moderation


class Command(BaseCommand):
    help = f"Switch the {MODERATION_WORKFLOW!r} workflow on or off for the whole site (off: editors publish)."

    def add_arguments(self, parser):
        parser.add_argument("state", choices=["on", "off", "status"])

    def handle(self, state, **options):
        if state != "status":
            switch_moderation(on=state == "on")
        if moderation_is_on():
            self.stdout.write(f"Moderation is on: editors submit, members of {MODERATORS} approve.")
        else:
            self.stdout.write("Moderation is off: editors publish directly.")
