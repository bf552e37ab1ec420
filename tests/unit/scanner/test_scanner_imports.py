"""The import rule: the scanner loads nothing of the server (no Flask, no SQLAlchemy, no models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERVER = ("flask", "sqlalchemy", "alembic", "marshmallow", "werkzeug", "models", "app", "config")


def modules_after(statement: str) -> list[str]:
    script = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_whole_scanner_imports_without_the_server():
    loaded = modules_after("import scanner, scanner.cli, scanner.decode, scanner.verify, scanner.online")
    assert [name for name in loaded if name.split(".")[0] in SERVER] == []
    ours = {name.split(".")[0] for name in loaded} & {"labels", "scanner"}
    assert ours == {"labels", "scanner"}
    shared = sorted(name for name in loaded if name.startswith("labels."))
    # the subpackages' __init__ modules define nothing; they come with their modules
    assert set(shared) <= {
        "labels.codes",
        "labels.codes.qrclaim",
        "labels.codes.verdicts",
        "labels.gs1",
        "labels.gs1.application_identifiers",
        "labels.gs1.digital_link",
        "labels.gs1.identifiers",
        "labels.trust",
        "labels.trust.canonical",
        "labels.trust.checkpoint",
        "labels.trust.keys",
        "labels.trust.merkle",
        "labels.trust.signing",
        "labels.trust.signing_errors",
        "labels.trust.statuslist",
    }, shared


def test_verifying_texts_does_not_load_the_image_decoder():
    loaded = modules_after("import scanner; scanner.verify_code")
    assert "zxingcpp" not in loaded and "PIL" not in loaded and "numpy" not in loaded
    assert "zxingcpp" in modules_after("import scanner; scanner.decode_image")
