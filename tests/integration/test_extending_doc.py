"""docs/extending.md, checked: the code it shows is the code this suite runs
(docs/examples/upcoming.py and tests/integration/test_upcoming_example.py, included
verbatim), the example page renders with its navigation entry, and its guard works."""

from __future__ import annotations

import re
from pathlib import Path

from reflex.compiler.compiler import compile_page, into_component

from booking_app.state.auth import NOT_A_TUTOR
from booking_app.state.page import PAGES
from docs.examples.upcoming import UpcomingState
from tests.support.builders import add_student
from tests.support.states import open_page, redirects, toasts

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "extending.md"
INCLUDED = re.compile(r"<!-- file: (?P<path>[\w/.]+) -->\n```python\n(?P<code>.*?)```", re.S)
EXAMPLE = ("docs/examples/upcoming.py", "tests/integration/test_upcoming_example.py")


def test_the_doc_shows_the_code_the_suite_runs() -> None:
    blocks = {m["path"]: m["code"] for m in INCLUDED.finditer(DOC.read_text(encoding="utf-8"))}
    assert sorted(blocks) == sorted(EXAMPLE)
    for path, code in blocks.items():
        assert code == (ROOT / path).read_text(encoding="utf-8"), f"the doc shows another {path}"
    lines = [line for code in blocks.values() for line in code.splitlines() if line.strip()]
    assert len(lines) <= 30  # the doc's promise: a page, its state and a test


def test_the_example_renders_with_its_navigation_entry() -> None:
    spec = PAGES["/tutor/upcoming"]
    assert spec.title == "Upcoming · TutorBook"
    _, code = compile_page("tutor/upcoming", into_component(spec.component))
    assert "upcoming-heading" in code
    assert "nav-tutor-upcoming" in code  # the signed-in shell's navigation lists it


def test_the_example_is_guarded(sqlite_db: str) -> None:
    _, events = open_page("/tutor/upcoming")  # signed out: to sign-in, and back afterwards
    assert any("/login?next=/tutor/upcoming" in r for r in redirects(events))
    tab, events = open_page("/tutor/upcoming", user=(add_student(), "student"))
    assert any(NOT_A_TUTOR in t for t in toasts(events, "error"))
    assert any('"/home"' in r for r in redirects(events))
    assert tab.state(UpcomingState).labels == []
