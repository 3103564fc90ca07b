"""The one authentication backend: allauth's, and only through allauth's sign-in flow."""

from allauth.account.auth_backends import AuthenticationBackend


class EmailSignInBackend(AuthenticationBackend):
    """allauth's flow passes `email=`; Oscar's, Wagtail's and Django's own login forms pass
    `username=`. Refusing the latter keeps every password check behind allauth's rate limits,
    its email verification and its second-factor stage (docs/accounts.md)."""

    def authenticate(self, request, **credentials):
        if "email" not in credentials:
            return None
        return super().authenticate(request, **credentials)
