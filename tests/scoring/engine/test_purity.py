"""DESIGN.md rule 9: the engine imports nothing from Django or other `apps.*` packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import apps.scoring.engine as engine

ENGINE_DIR = Path(engine.__file__).parent
PROJECT_ROOT = ENGINE_DIR.parents[2]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(relative level, module) of every import statement in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_engine_files_import_only_the_standard_library_and_the_engine_itself():
    files = sorted(ENGINE_DIR.rglob("*.py"))
    assert files
    offenders = []
    for path in files:
        for level, module in imported_modules(path):
            if level > 0:
                continue  # relative: inside the engine package
            top = module.split(".")[0]
            if top == "__future__" or (
                top in sys.stdlib_module_names and top not in {"sqlite3", "tkinter"}
            ):
                continue
            if module.startswith("apps.scoring.engine"):
                continue
            offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_importing_the_engine_loads_no_django_and_no_other_app():
    code = (
        "import sys\n"
        "import apps.scoring.engine\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')\n"
        "             or m == 'rest_framework' or m.startswith('rest_framework.')\n"
        "             or (m.startswith('apps.') and m != 'apps.scoring'\n"
        "                 and not m.startswith('apps.scoring.engine')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": ""},
    )
    assert run.returncode == 0, run.stdout + run.stderr
