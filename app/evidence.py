"""The evidence store the app uses: files under ``EVIDENCE_DIR`` (``instance/evidence`` by default)."""

from __future__ import annotations

from flask import current_app

from labels.certification.evidence import FileSystemEvidenceStore


def evidence_store() -> FileSystemEvidenceStore:
    return FileSystemEvidenceStore(current_app.config["EVIDENCE_DIR"])
