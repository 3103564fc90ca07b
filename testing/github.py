"""pytest plugin: a fake of GitHub's OAuth web flow and user API, over real HTTP on loopback.

It follows GitHub's documented contract for OAuth apps (docs/accounts.md, "GitHub"): the browser
is sent to `/login/oauth/authorize`, which redirects back with `code` and the same `state` (or
`error=access_denied` when the user says no); the site posts the code with its client id and
secret to `/login/oauth/access_token` (an unknown or reused code answers 200 with
`error=bad_verification_code`); `/api/v3/user` and `/api/v3/user/emails` (GitHub Enterprise's
API root, which allauth uses when GITHUB_URL is set) answer for `Authorization: token ...`.
"""

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

CLIENT_ID = "fake-github-client"
CLIENT_SECRET = "fake-github-secret"


@dataclass
class GitHubUser:
    login: str
    email: str
    verified: bool = True
    name: str = ""
    id: int = field(default_factory=lambda: secrets.randbelow(10**8))


class FakeGitHub:
    """What the fake answers next: who signs in, whether they consent, whether the state is kept."""

    def __init__(self):
        self.user = GitHubUser("octo", "octo@example.com")
        self.consent = True
        self.tamper_state = False
        self.codes = {}  # code -> (user, redirect_uri)
        self.tokens = {}  # access token -> user
        self.base_url = ""

    def authorize(self, query):
        redirect_uri, state = query["redirect_uri"], query.get("state", "")
        if query.get("client_id") != CLIENT_ID:
            return 404, {}, b"unknown client_id"
        if not self.consent:
            params = {"error": "access_denied", "error_description": "The user has denied your application access."}
        else:
            code = secrets.token_hex(10)
            self.codes[code] = (self.user, redirect_uri)
            params = {"code": code}
        params["state"] = "forged-" + state if self.tamper_state else state
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": f"{redirect_uri}{separator}{urlencode(params)}"}, b""

    def access_token(self, form):
        issued = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 200, {"error": "incorrect_client_credentials"}
        if issued is None:
            return 200, {"error": "bad_verification_code"}
        token = "gho_" + secrets.token_hex(16)
        self.tokens[token] = issued[0]
        return 200, {"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"}

    def api(self, path, authorization):
        user = self.tokens.get(authorization.removeprefix("token ").removeprefix("Bearer "))
        if user is None:
            return 401, {"message": "Bad credentials"}
        if path == "/api/v3/user":
            return 200, {"id": user.id, "login": user.login, "name": user.name or None, "email": None}
        if path == "/api/v3/user/emails":
            return 200, [{"email": user.email, "primary": True, "verified": user.verified, "visibility": "private"}]
        return 404, {"message": "Not Found"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub

    def log_message(self, *args):
        pass

    def _send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, payload):
        self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/login/oauth/authorize":
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            self._send(*self.fake.authorize(query))
        else:
            self._json(*self.fake.api(parts.path, self.headers.get("Authorization", "")))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/login/oauth/access_token":
            return self._json(404, {"message": "Not Found"})
        status, payload = self.fake.access_token(form)
        if "json" in self.headers.get("Accept", ""):
            return self._json(status, payload)
        self._send(status, {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(payload).encode())


def serve(fake):
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def point_allauth_at(base_url):
    """allauth's GitHub adapter turns GITHUB_URL into its endpoint URLs once, when it is imported;
    the same derivation is applied here for the base URL this test's server got."""
    from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter

    previous = {name: getattr(GitHubOAuth2Adapter, name) for name in ("web_url", "api_url")}
    GitHubOAuth2Adapter.web_url = base_url
    GitHubOAuth2Adapter.api_url = f"{base_url}/api/v3"
    for adapter_url in ("access_token_url", "authorize_url", "profile_url", "emails_url"):
        previous[adapter_url] = getattr(GitHubOAuth2Adapter, adapter_url)
    GitHubOAuth2Adapter.access_token_url = f"{base_url}/login/oauth/access_token"
    GitHubOAuth2Adapter.authorize_url = f"{base_url}/login/oauth/authorize"
    GitHubOAuth2Adapter.profile_url = f"{base_url}/api/v3/user"
    GitHubOAuth2Adapter.emails_url = f"{base_url}/api/v3/user/emails"
    return previous


@pytest.fixture
def fake_github(settings):
    """A fresh fake GitHub on a free loopback port, configured as the site's GitHub (GITHUB_URL)."""
    from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter

    fake = FakeGitHub()
    server = serve(fake)
    github = {**settings.SOCIALACCOUNT_PROVIDERS["github"], "GITHUB_URL": fake.base_url}
    github["APPS"] = [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}]
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, "github": github}
    previous = point_allauth_at(fake.base_url)
    yield fake
    for name, value in previous.items():
        setattr(GitHubOAuth2Adapter, name, value)
    server.shutdown()
    server.server_close()


def sign_in_with_github(client, fake):
    """The visitor presses "GitHub" on the sign-in page, GitHub answers, the browser follows back.
    Returns the site's answer to the callback."""
    start = client.post("/accounts/github/login/")
    assert start.status_code == 302 and start["Location"].startswith(fake.base_url), start
    at_github = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_github.status_code == 302
    callback = urlsplit(at_github.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")
