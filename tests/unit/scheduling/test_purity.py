"""The scheduling core must stay pure: stdlib only, no app or I/O imports."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = "booking_app.scheduling"
PACKAGE_DIR = Path(__file__).resolve().parents[3] / "booking_app" / "scheduling"
FORBIDDEN = ("sqlalchemy", "sqlmodel", "reflex", "celery", "telegram", "booking_app.models")


def _modules() -> list[Path]:
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert files, f"no modules found under {PACKAGE_DIR}"
    return files


def _imported_names(path: Path) -> list[tuple[str, int]]:
    """Absolute module names imported by ``path``; relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = [*PACKAGE.split("."), *path.relative_to(PACKAGE_DIR).parent.parts]
    names: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.append((node.module or "", node.lineno))
            else:
                base = package_parts[: len(package_parts) - node.level + 1]
                names.append(
                    (".".join([*base, *(node.module or "").split(".")]).strip("."), node.lineno)
                )
    return names


def _allowed(name: str) -> bool:
    top = name.split(".")[0]
    if name == PACKAGE or name.startswith(PACKAGE + "."):
        return True
    return top in sys.stdlib_module_names or top == "__future__"


def test_every_import_is_stdlib_or_inside_the_package():
    offenders = [
        f"{path.name}:{line}: {name}"
        for path in _modules()
        for name, line in _imported_names(path)
        if not _allowed(name)
    ]
    assert offenders == []


def test_no_dynamic_imports():
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        assert "__import__" not in source, path
        assert "import_module" not in source, path


def test_no_wall_clock_reads():
    """``now`` is always a parameter, so results are reproducible."""
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today"}:
                raise AssertionError(f"{path.name}:{node.lineno} reads the clock")
            if isinstance(node, ast.Name) and node.id in {"time_ns", "monotonic"}:
                raise AssertionError(f"{path.name}:{node.lineno} reads the clock")


def test_fresh_interpreter_import_loads_nothing_heavy():
    code = (
        "import sys\n"
        f"import {PACKAGE}\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE_DIR.parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
