"""The layer rules of ARCHITECTURE.md for the backend half, checked on the source.

- services/ import no Reflex and no UI (pages, state, components), no api/ and no tasks/:
  the API, the worker and the bot call services, never the reverse.
- repositories/ only query: they never commit, roll back or open a session of their own,
  import no services, and take the session as a keyword-only argument.
- api/ and tasks/ import no pages, state or components.
- models/, scheduling/ (see tests/unit/scheduling/test_purity.py for its stdlib-only rule),
  repositories/ and the plain integrations import nothing of the layers above them.
- A process that only runs services (Celery worker, bot, CLI, demo seed) never loads Reflex.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support.imports import ROOT, imports_of, module_name, python_files, within

UI = ("booking_app.pages", "booking_app.state", "booking_app.components")
ABOVE_SERVICES = (*UI, "booking_app.api", "tasks", "booking_app.booking_app")


def _offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        str(found)
        for path in python_files(*folders)
        for found in imports_of(path)
        if within(found.module, *forbidden)
    ]


def test_services_import_no_reflex_ui_api_or_tasks() -> None:
    forbidden = ("reflex", "reflex_base", *ABOVE_SERVICES)
    assert _offenders(("booking_app/services",), forbidden) == []


def test_api_and_tasks_import_no_ui() -> None:
    assert _offenders(("booking_app/api", "tasks"), UI) == []


@pytest.mark.parametrize(
    ("folders", "forbidden"),
    [
        (("booking_app/models",), ("booking_app.repositories", "booking_app.services")),
        (("booking_app/repositories",), ("booking_app.services", "booking_app.db")),
        (("booking_app/demo",), ABOVE_SERVICES),
    ],
    ids=["models", "repositories", "demo"],
)
def test_lower_layers_import_nothing_above_them(
    folders: tuple[str, ...], forbidden: tuple[str, ...]
) -> None:
    assert _offenders(folders, ("reflex", *ABOVE_SERVICES, *forbidden)) == []


def test_plain_integrations_are_called_not_calling() -> None:
    """ical, csv_export and the Telegram client serve the services; only the bot (a
    transport, like a page) calls services."""
    plain = [p for p in python_files("booking_app/integrations") if p.name != "telegram_bot.py"]
    above = ("booking_app.services", "booking_app.repositories", *ABOVE_SERVICES)
    offenders = [
        str(found) for path in plain for found in imports_of(path) if within(found.module, *above)
    ]
    assert offenders == []


def test_repositories_never_commit_and_take_a_keyword_only_session() -> None:
    """The service owns the unit of work: a repository function runs inside the caller's
    transaction (it may flush and lock rows), never ends or starts one."""
    offenders = []
    for path in python_files("booking_app/repositories"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Attribute) and node.attr in {"commit", "rollback", "begin"}:
                offenders.append(f"{where}: .{node.attr}")
            if isinstance(node, ast.Name) and node.id in {"session_scope", "read_scope"}:
                offenders.append(f"{where}: {node.id}")
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                positional = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                if "session" in positional:
                    offenders.append(f"{where}: {node.name}(session) is not keyword-only")
    assert offenders == []


def test_a_process_running_services_never_loads_reflex() -> None:
    """The worker, the bot, the CLI and the demo seed are plain Python processes."""
    modules = sorted(
        module_name(p)
        for p in python_files(
            "booking_app/services", "booking_app/repositories", "booking_app/demo"
        )
    )
    modules += ["tasks.celery_app", "tasks.notifications", "tasks.housekeeping"]
    modules += ["booking_app.integrations.telegram_bot", "booking_app.cli"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "print(','.join(m for m in ('reflex', 'reflex_base') if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
