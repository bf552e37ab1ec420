"""What can go wrong before a code gets a verdict, as a small hierarchy (the shape of sigstore-python's).

A verdict such as ``forged`` or ``expired`` is an *answer*, not an error: :func:`scanner.verify.verify_code`
returns it. These exceptions are for the cases where no honest answer can be given at all: the trust
bundle cannot be trusted, an image cannot be read, the registry cannot be reached::

    ScannerError
    +-- PinError                 the pinned key or JWKS given by the caller is unusable
    +-- BundleError              the trust bundle cannot be used
    |   +-- BundleFormatError        not a trust bundle (JSON shape, dates, keys, lists, checkpoint)
    |   +-- BundleSignatureError     its signature, or a status list's, or its checkpoint's, fails,
    |   |                            or it is signed by a key the caller has not pinned
    |   +-- BundleNotYetValid        issued in the future, beyond the allowed clock skew
    +-- DecodeError              the image cannot be opened or read
    +-- NetworkError             the registry did not answer, or not as a registry would

Every error carries one human sentence (``str(error)``) fit to show a user as it is.
"""

from __future__ import annotations


class ScannerError(Exception):
    """Base of every error the scanner raises; ``str(error)`` is a sentence for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PinError(ScannerError):
    """The caller's pinned key material (a JWKS, a JWK, a key, a bundle) holds no usable credential key."""


class BundleError(ScannerError):
    """The trust bundle cannot be used; verify nothing with it."""


class BundleFormatError(BundleError):
    """The document is not a trust bundle as ``docs/signing.md`` describes it."""


class BundleSignatureError(BundleError):
    """A signature in the bundle fails, or the bundle is not signed by a pinned registry key."""


class BundleNotYetValid(BundleError):
    """The bundle says it was issued later than now: the device clock or the bundle is wrong."""


class DecodeError(ScannerError):
    """The image could not be opened or decoded (not an image, truncated, unsupported)."""


class NetworkError(ScannerError):
    """The registry could not be reached, timed out, or answered something a registry would not."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status
