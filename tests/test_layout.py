"""Guard the layout decision of docs/design.md §1: site/ is a plain folder holding `bookshop`."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def test_site_is_not_a_package():
    assert not (PROJECT_DIR / "site" / "__init__.py").exists(), "site/__init__.py shadows the stdlib module"


def test_site_holds_only_the_project_package():
    loose_modules = sorted(path.name for path in (PROJECT_DIR / "site").glob("*.py"))
    assert loose_modules == [], f"loose modules in site/: {loose_modules}"
    assert (PROJECT_DIR / "site" / "bookshop" / "settings" / "base.py").exists()


def test_no_top_level_app_shadows_oscar_or_paypal():
    for forbidden in ("search", "paypal", "site/site"):
        assert not (PROJECT_DIR / forbidden / "__init__.py").exists(), forbidden
