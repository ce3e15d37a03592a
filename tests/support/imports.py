"""What a module of the app imports, read from its source (no import side effects): for
the tests that keep the layers of ARCHITECTURE.md apart."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file
    line: int
    module: str  # absolute, relative imports resolved ("booking_app.pages.home.dashboard")

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.module}"


def module_name(path: Path) -> str:
    """booking_app/pages/home/__init__.py -> "booking_app.pages.home"."""
    parts = list(path.resolve().relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[Import]:
    """Every import statement of `path` (also inside functions and TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield Import(path, node.lineno, module)
            for alias in node.names:  # `from booking_app import routes` imports a module too
                yield Import(path, node.lineno, f"{module}.{alias.name}")


def python_files(*folders: str) -> list[Path]:
    """The .py files under `folders` (relative to the project root), or the files named."""
    found: list[Path] = []
    for folder in folders:
        target = ROOT / folder
        found += [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert found, f"no Python files under {folders}"
    return found


def within(module: str, *packages: str) -> bool:
    """Whether `module` is one of `packages` or inside one of them."""
    return any(module == p or module.startswith(p + ".") for p in packages)
