"""Sign-in throttling behind the real nginx: nginx's outer limit_req and allauth's lockout both
key on the visitor's address, which Django reads from nginx (a trusted proxy), not on nginx's.

Visitors come from different loopback addresses (127.0.0.2, 127.0.0.3, ...): Linux routes all of
127/8 to lo, so a client socket bound to one of them reaches nginx on 127.0.0.1 from that address.
"""

import re

import pytest
import requests
from requests.adapters import HTTPAdapter

from testing.factories import make_shopper

pytestmark = [pytest.mark.services]
LOCKED = "Too many failed login attempts"


class FromAddress(HTTPAdapter):
    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def visitor(address):
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def sign_in(edge, session, email, password):
    form = session.get(edge.url("/accounts/login/"), timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        edge.url("/accounts/login/"),
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_ten_wrong_passwords_lock_out_that_visitor_only(fresh_edge, postgres):
    make_shopper("reader@example.com")
    attacker, reader = visitor("127.0.0.2"), visitor("127.0.0.3")

    for n in range(10):
        assert sign_in(fresh_edge, attacker, f"someone-{n}@example.com", "guess").status_code == 200

    locked = sign_in(fresh_edge, attacker, "reader@example.com", "a-long-enough-passphrase")
    assert locked.status_code == 200 and LOCKED in locked.text
    welcome = sign_in(fresh_edge, reader, "reader@example.com", "a-long-enough-passphrase")
    assert welcome.status_code == 302  # another address behind the same nginx is not locked out


def test_nginx_answers_429_to_a_burst_of_sign_in_posts_from_one_visitor(fresh_edge):
    flooder, other = visitor("127.0.0.4"), visitor("127.0.0.5")
    answers = [
        flooder.post(fresh_edge.url("/accounts/login/"), data={}, allow_redirects=False, timeout=30).status_code
        for _ in range(40)
    ]
    assert 429 in answers and answers[0] != 429  # the burst allowance, then nginx refuses
    assert flooder.get(fresh_edge.url("/accounts/login/"), timeout=30).status_code == 200  # GETs are not limited
    assert other.post(fresh_edge.url("/accounts/login/"), data={}, timeout=30).status_code == 403  # Django's CSRF
