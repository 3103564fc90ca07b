import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth's limiter counts in the cache, which outlives a test's database transaction."""
    cache.clear()
    yield
    cache.clear()
