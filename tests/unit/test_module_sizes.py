"""Small modules with one reason to change: none over 600 lines in labels/, app/ or scanner/, and at most
the package marker and the exception hierarchy at the top of labels/ (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 600


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in ("labels", "app", "scanner")
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}, "split these along their seams"


def test_labels_keeps_its_code_in_rooms():
    assert sorted(path.name for path in (ROOT / "labels").glob("*.py")) == ["__init__.py", "errors.py"]
    rooms = [path for path in (ROOT / "labels").iterdir() if (path / "__init__.py").exists()]
    assert len(rooms) >= 10
    for room in rooms:
        text = (room / "__init__.py").read_text(encoding="utf-8")
        assert text.startswith('"""') and "May import" in text, f"{room.name}: say what it may import"
        assert text.strip().endswith('"""'), f"{room.name}/__init__.py defines nothing"
