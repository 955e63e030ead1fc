"""The layout ARCHITECTURE.md asks for, checked on the code itself: imports
run one way (core ← attendance, behaviour, safeguarding ← caseload), and no
module of app code grows past the size at which it becomes a package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["pastoral", "attendance", "behaviour", "safeguarding", "caseload"]
# Which apps each app may import (besides itself). Only the project's urls and
# settings name every app.
MAY_IMPORT = {
    "pastoral": set(),
    "attendance": {"pastoral"},
    "behaviour": {"pastoral"},
    "safeguarding": {"pastoral"},
    "caseload": {"pastoral", "attendance", "safeguarding", "behaviour"},
}
WIRING = {ROOT / "pastoral" / "urls.py", ROOT / "pastoral" / "settings.py"}
MAX_LINES = 600


def _app_modules() -> list[tuple[str, Path]]:
    return [
        (app, path)
        for app in APPS
        if (ROOT / app).is_dir()
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path not in WIRING
    ]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(APPS)


def test_there_is_app_code_to_check() -> None:
    assert len(_app_modules()) > 100


@pytest.mark.parametrize("app", [a for a in APPS if (ROOT / a).is_dir()])
def test_imports_run_one_way(app: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) - MAY_IMPORT[app] - {app})
        for owner, path in _app_modules()
        if owner == app
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_no_module_of_app_code_is_past_the_size_of_a_package() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for _, path in _app_modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
