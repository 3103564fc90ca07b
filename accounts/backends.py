"""The one authentication backend: allauth's, and only through allauth's sign-in flow."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend


class EmailSignInBackend(AuthenticationBackend):
    """allauth's flow passes `email=`; Oscar's, Wagtail's and Django's own login forms pass
    `username=`. Refusing the latter keeps every password check behind allauth's rate limits,
    its email verification and its second-factor stage (docs/accounts.md)."""

    def authenticate(self, request, **credentials):
        if "email" not in credentials:
            return None
        return super().authenticate(request, **credentials)


class PermissionsOnlyBackend(ModelBackend):
    """Django's group and user permissions, without its username-and-password check: a form that
    calls `authenticate(username=…, password=…)` (Oscar's checkout gateway, Django's admin login,
    HTTP basic auth) must not become a way around the sign-in's limits and second factor."""

    def authenticate(self, request, **credentials):
        return None
