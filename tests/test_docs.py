"""The docs in docs/ stay true to the code: generated diagrams are current."""

import pytest

from bookshop.management.commands.generate_diagrams import DOCS_DIR, DOCUMENTS


@pytest.mark.parametrize("filename", sorted(DOCUMENTS))
def test_generated_diagram_matches_the_code(filename):
    committed = (DOCS_DIR / filename).read_text() if (DOCS_DIR / filename).exists() else ""
    assert committed == DOCUMENTS[filename](), (
        f"docs/{filename} is out of date with the code: run `.venv/bin/python manage.py generate_diagrams` "
        "and commit the result."
    )
