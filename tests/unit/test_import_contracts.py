"""The import contracts in pyproject.toml (docs/architecture.md) hold, and they do catch a broken rule.

Each case copies the packages into a scratch folder, breaks one rule there with a single added import,
and runs ``lint-imports`` on the copy: a contract that never fails would guard nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("app", "scanner", "labels", "models")


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    # The copy comes first on the path, ahead of the editable install that points at the real tree.
    env = os.environ | {"PYTHONPATH": str(where), "COLUMNS": "250"}  # one line per contract
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(where / "pyproject.toml"), "--no-cache"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def copy_of_the_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract(copy_of_the_tree):
    result = lint_imports(copy_of_the_tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "added", "contract"),
    [
        ("labels/gs1/epc.py", "import flask", "the domain knows no web framework"),
        ("labels/trust/signing.py", "import sqlalchemy", "framework-free modules"),
        ("labels/codes/qrclaim.py", "import labels.trust.notary", "framework-free modules"),
        ("scanner/verify.py", "import labels.registry.products", "the scanner runs without the server"),
        ("models/lot.py", "import labels.errors", "models are tables only"),
        ("labels/trust/notary.py", "import labels.certification.workflow", "the rooms of labels"),
        ("labels/codes/lots.py", "import labels.traceability.capture", "the rooms of labels"),
        ("labels/registry/products.py", "import app.errors", "app above scanner above labels above models"),
    ],
)
def test_breaking_a_rule_fails_the_lint(copy_of_the_tree, module, added, contract):
    path = copy_of_the_tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{added}  # noqa\n", encoding="utf-8")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
