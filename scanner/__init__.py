"""The verifier's side of ecoreg, usable without the server: decode codes, check them offline and online.

Nothing of Flask or SQLAlchemy is imported here, nor anything of ecoreg but the framework-free helpers
shared with ``labels`` (signing, keys, Digital Link parsing, the QR claim, status lists, checkpoints).
``docs/scanner.md`` shows how to embed it::

    from datetime import UTC, datetime
    from pathlib import Path
    from scanner import decode_image, fetch_bundle, pin, verify_code

    bundle = fetch_bundle("https://id.ecoreg.example", pinned=pin(Path("registry-jwks.json")))
    for code in decode_image("shelf.jpg"):
        print(verify_code(code, bundle, datetime.now(UTC)).message("vi"))

Decoding needs ``zxing-cpp``, numpy and Pillow; it is imported on first use, so that verifying texts
needs only ``cryptography`` and ``rfc8785``.
"""

from scanner.bundle import TrustBundle, fetch_bundle, load_bundle, open_bundle, pin
from scanner.codes import DecodedCode, ScannedCode, read_code
from scanner.errors import (
    BundleError,
    BundleFormatError,
    BundleNotYetValid,
    BundleSignatureError,
    DecodeError,
    NetworkError,
    PinError,
    ScannerError,
)
from scanner.messages import VERDICTS
from scanner.online import OnlineResolver
from scanner.verify import DEFAULT_MAX_AGE, LabelState, Verdict, verify_code

__all__ = [
    "DEFAULT_MAX_AGE",
    "VERDICTS",
    "BundleError",
    "BundleFormatError",
    "BundleNotYetValid",
    "BundleSignatureError",
    "DecodeError",
    "DecodedCode",
    "LabelState",
    "NetworkError",
    "OnlineResolver",
    "PinError",
    "ScannedCode",
    "ScannerError",
    "TrustBundle",
    "Verdict",
    "decode_image",
    "fetch_bundle",
    "load_bundle",
    "open_bundle",
    "pin",
    "read_code",
    "verify_code",
]


def __getattr__(name: str):
    if name == "decode_image":
        from scanner.decode import decode_image

        return decode_image
    raise AttributeError(f"module 'scanner' has no attribute {name!r}")
