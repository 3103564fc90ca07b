"""What browser tests check on a page beyond its content: screenshots at the two widths and axe-core.

axe-core comes from npm (package.json, installed by `make test` with `npm ci`) and is injected into the
page under test; nothing is fetched from the network.
"""

import json
from pathlib import Path

from conftest import ARTIFACTS_DIR, PROJECT_DIR, require_service

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"


def screenshots(page, name):
    """Full-page screenshots of the current page at 390 and 1280 px wide, kept in var/test-artifacts."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS_DIR / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(before)


def serious_accessibility_violations(page):
    """axe-core's serious and critical findings on the current page, as readable lines."""
    require_service(Path(AXE_SCRIPT).exists(), "needs axe-core: run `npm ci` in the project folder")
    # Evaluated through the DevTools protocol, not added as a <script>: the shop's CSP allows no
    # inline script, and the page must be checked under the policy it really has.
    page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {json.dumps(targets)}")
    return found
