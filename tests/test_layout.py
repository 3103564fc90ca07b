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


def app_imports():
    """Each top-level app's imports of the other apps, read from its production modules (tests,
    migrations and the test-support package left out), function-local imports included."""
    import ast

    apps = sorted(path.parent.name for path in PROJECT_DIR.glob("*/apps.py"))
    edges = {app: {} for app in apps}
    for app in apps:
        for module in (PROJECT_DIR / app).rglob("*.py"):
            parts = module.relative_to(PROJECT_DIR).parts
            if "tests" in parts or "migrations" in parts:
                continue
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top != app and (top in apps or top in ("testing", "tests")):
                        edges[app].setdefault(top, "/".join(parts))
    return edges


def test_apps_import_each_other_in_one_direction_only():
    edges = app_imports()
    assert set(edges) >= {"catalogue", "checkout", "edgecache", "home", "newsletters"}

    def reaches(start, goal, seen=()):
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in edges.get(start, {})
        )

    cycles = [
        f"{app} -> {other} ({where}) and back"
        for app in edges
        for other, where in edges[app].items()
        if reaches(other, app)
    ]
    assert cycles == []


def test_production_code_never_imports_test_support():
    leaks = [
        f"{app}: {where}"
        for app, found in app_imports().items()
        for other, where in found.items()
        if other in ("testing", "tests")
    ]
    assert leaks == []


def test_the_edge_cache_is_told_what_changed_and_knows_no_shop_app():
    assert app_imports()["edgecache"] == {}
