"""allauth adapters: the visitor's address for rate limits, and who GitHub may sign in as."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied

from accounts.network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """Rate limits key on the visitor behind nginx, never on nginx itself."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def can_authenticate_by_email(self, sociallogin, email):
        """A GitHub address (verified at GitHub: allauth passes only those) signs in to a local
        account only when the account's owner verified that address here too; otherwise GitHub
        could hand an account to whoever registered the address first."""
        if not EmailAddress.objects.filter(email__iexact=email, verified=True).exists():
            return False
        return super().can_authenticate_by_email(sociallogin, email)
