"""The docs in docs/ stay true to the code: generated diagrams are current, and every pointer
from the code into the docs lands on a file and a section that exist."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from bookshop.management.commands.generate_diagrams import DOCS_DIR, DOCUMENTS

REPO = Path(settings.BASE_DIR)
SCANNED_SUFFIXES = {".py", ".html", ".js", ".sh", ".tmpl", ".conf", ".md", ".txt", ".toml", ".yaml", ".service"}
SCANNED_NAMES = {"Makefile", "Dockerfile", "run"}
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
# "docs/design.md §4.5", "docs/paypal.md §1-§5, §9.1", or a bare "docs/operations.md".
DOC_POINTER = re.compile(r"docs/([\w-]+\.md)((?:\s*(?:,|-|–|and)?\s*§\d+(?:\.\d+)*)*)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")
# Pointers to documents that are not in this repository.
OUTSIDE_POINTERS = re.compile(r"DESIGN\.md §|\.\./shared|\breference(?:/|\s+[\w-]+\.md|\s+§)")


def scanned_files():
    for path in sorted(REPO.rglob("*")):
        relative = path.relative_to(REPO)
        if SKIPPED_DIRS & set(relative.parts) or not path.is_file() or path == Path(__file__):
            continue
        if path.suffix in SCANNED_SUFFIXES or path.name in SCANNED_NAMES:
            yield relative, path.read_text(errors="replace")


def has_section(document, number):
    heading = re.compile(rf"^#+\s+{re.escape(number)}(?:\.?\s|\.?$)", re.MULTILINE)
    return bool(heading.search(document))


@pytest.mark.parametrize("filename", sorted(DOCUMENTS))
def test_generated_diagram_matches_the_code(filename):
    committed = (DOCS_DIR / filename).read_text() if (DOCS_DIR / filename).exists() else ""
    assert committed == DOCUMENTS[filename](), (
        f"docs/{filename} is out of date with the code: run `.venv/bin/python manage.py generate_diagrams` "
        "and commit the result."
    )


def test_every_docs_pointer_lands_on_a_file_and_section_that_exist():
    broken = []
    for relative, text in scanned_files():
        for line_number, line in enumerate(text.splitlines(), start=1):
            for match in DOC_POINTER.finditer(line):
                document_path = DOCS_DIR / match.group(1)
                where = f"{relative}:{line_number}: {match.group(0).strip()}"
                if not document_path.exists():
                    broken.append(f"{where} (no such file)")
                    continue
                document = document_path.read_text()
                missing = [number for number in SECTION.findall(match.group(2)) if not has_section(document, number)]
                if missing:
                    broken.append(f"{where} (no heading for §{', §'.join(missing)})")
    assert not broken, "Pointers into docs/ that lead nowhere:\n" + "\n".join(broken)


def test_nothing_points_at_documents_outside_the_repository():
    outside = [
        f"{relative}:{line_number}: {line.strip()}"
        for relative, text in scanned_files()
        for line_number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE_POINTERS.search(line)
    ]
    assert not outside, (
        "Pointers to documents outside this repository; point at docs/<file>.md §N instead:\n" + "\n".join(outside)
    )
