"""Evidence files: content sniffing, size limit, SHA-256, and a small storage interface.

Only five kinds of file are accepted (PDF, PNG, JPEG, CSV, XLSX), so the check is written here
from their signatures, including the inside of an XLSX zip, rather than trusting the name or the
browser's declared type; a general MIME sniffer would accept far more than we want.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Protocol

from labels.errors import InvalidInput, PayloadTooLarge

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(filename: str, content: bytes) -> str:
    """The media type the bytes really are, or :class:`InvalidInput` (rule ``file-type``)."""
    if content.startswith(b"%PDF-"):
        return MEDIA_TYPES["pdf"]
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return MEDIA_TYPES["png"]
    if content.startswith(b"\xff\xd8\xff"):
        return MEDIA_TYPES["jpeg"]
    if content.startswith(b"PK\x03\x04") and _is_xlsx(content):
        return MEDIA_TYPES["xlsx"]
    if filename.lower().endswith(".csv") and _is_text(content):
        return MEDIA_TYPES["csv"]
    raise InvalidInput.one("file", "file-type", "evidence is a PDF, PNG, JPEG, CSV (UTF-8) or XLSX file")


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def check_size(content: bytes, limit: int) -> None:
    if len(content) > limit:
        raise PayloadTooLarge(f"evidence files may have at most {limit} bytes", field="file", limit=limit)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def keep(store: EvidenceStore, filename: str, content: bytes, limit: int) -> tuple[str, str]:
    """Check an uploaded file and put it in the store: ``(sniffed media type, SHA-256)``."""
    check_size(content, limit)
    media_type = sniff(filename, content)
    sha256 = digest(content)
    store.put(sha256, content)
    return media_type, sha256


class EvidenceStore(Protocol):
    """Where evidence bytes live, addressed by their SHA-256 (so a file stored twice is kept once)."""

    def put(self, sha256: str, content: bytes) -> None: ...

    def get(self, sha256: str) -> bytes: ...


class FileSystemEvidenceStore:
    """Evidence under a folder (``instance/evidence``), fanned out by the first two hex digits."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(content)
        partial.replace(path)  # atomic: a reader never sees half a file

    def get(self, sha256: str) -> bytes:
        content = self._path(sha256).read_bytes()
        if digest(content) != sha256:
            raise OSError(f"evidence {sha256} is corrupt on disk")
        return content
