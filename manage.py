#!/usr/bin/env python
"""Django's command-line entry point for the bookstore."""

import os
import sys
from pathlib import Path

# site/ is a folder on sys.path, not a package: the standard library owns the name `site`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
