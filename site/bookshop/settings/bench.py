"""bench/pages.py: the production settings, plus one bare view to compare the shop pages with."""

from .production import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
