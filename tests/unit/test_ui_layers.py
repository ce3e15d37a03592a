"""The layer rules of ARCHITECTURE.md for the UI half, checked on the source.

- Nothing imports a page but booking_app/booking_app.py (which registers them), and a page
  never imports another page (a page package's own modules may import each other).
- state/ is below the pages and the components: it imports neither.
- components/ are stateless UI: no services, no pages (they may read shared states).
- routes.py imports nothing of the app: every module may import it.
- No layer of the UI reaches past the services: no repositories, database, models, SQL,
  tasks or integrations; no API module either (one shared HTTP-edge helper excepted).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.imports import Import, imports_of, module_name, python_files, within

Rule = Callable[[str, str], bool]  # (importing module, imported module) -> forbidden?

BELOW_SERVICES = (
    "booking_app.repositories",
    "booking_app.db",
    "booking_app.models",
    "booking_app.integrations",
    "booking_app.api",
    "tasks",
    "sqlalchemy",
    "sqlmodel",
    "celery",
)
# The sign-in state warns when requests carry X-Forwarded-For but TRUSTED_PROXY_HOPS is 0,
# as the API does: one helper for both edges (websocket and HTTP) of the server.
ALLOWED = {"booking_app.pages.login": ("booking_app.api.client_ip",)}


def _page_of(module: str) -> str:
    """booking_app.pages.home.dashboard -> booking_app.pages.home (the page it belongs to)."""
    return ".".join(module.split(".")[:3])


def _is_page(module: str) -> bool:
    return within(module, "booking_app.pages") and module != "booking_app.pages"


def imports_a_page(me: str, module: str) -> bool:
    return _is_page(module) and me != "booking_app.booking_app" and not _is_page(me)


def imports_another_page(me: str, module: str) -> bool:
    return _is_page(module) and _page_of(module) != _page_of(me)


def state_imports_ui(me: str, module: str) -> bool:
    return within(module, "booking_app.pages", "booking_app.components")


def component_imports_logic(me: str, module: str) -> bool:
    return within(module, "booking_app.services", "booking_app.pages")


def routes_import_the_app(me: str, module: str) -> bool:
    return within(module, "booking_app")


def ui_passes_the_services(me: str, module: str) -> bool:
    return within(module, *BELOW_SERVICES) and not within(module, *ALLOWED.get(me, ()))


RULES: list[tuple[Rule, tuple[str, ...], tuple[str, str]]] = [
    # rule, the files it reads, a violation it must catch (negative control)
    (imports_a_page, ("booking_app", "tasks", "bench"), ("booking_app.state.auth", "booking_app.pages.routes")),
    (imports_another_page, ("booking_app/pages",), ("booking_app.pages.landing", "booking_app.pages.tutor_services")),
    (state_imports_ui, ("booking_app/state",), ("booking_app.state.viewer_timezone", "booking_app.components.slots")),
    (component_imports_logic, ("booking_app/components",), ("booking_app.components.slots", "booking_app.services.validation")),
    (routes_import_the_app, ("booking_app/routes.py",), ("booking_app.routes", "booking_app.config")),
    (ui_passes_the_services, ("booking_app/pages", "booking_app/state", "booking_app/components"), ("booking_app.state.session", "booking_app.api.auth")),
]  # fmt: skip


def _offenders(rule: Rule, folders: tuple[str, ...]) -> list[Import]:
    return [
        imp
        for path in python_files(*folders)
        for imp in imports_of(path)
        if rule(module_name(path), imp.module)
    ]


@pytest.mark.parametrize(
    ("rule", "folders", "violation"), RULES, ids=[r[0].__name__ for r in RULES]
)
def test_layer_rule(rule: Rule, folders: tuple[str, ...], violation: tuple[str, str]) -> None:
    assert rule(*violation), "the rule no longer sees what it is for"
    assert [str(imp) for imp in _offenders(rule, folders)] == []


def test_a_page_package_may_import_its_own_modules() -> None:
    assert not imports_another_page("booking_app.pages.home", "booking_app.pages.home.dashboard")
    assert not imports_a_page("booking_app.booking_app", "booking_app.pages.home")
