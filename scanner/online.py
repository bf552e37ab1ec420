"""Asking the registry's resolver for the live verdict of a code (standard library only).

The resolver answers ``GET {base}/01/{gtin}[/10/{lot}][/21/{serial}][?{claim}]`` with
``Accept: application/json`` by the JSON verdict of ``app/web/resolver.py`` (``verdict_json``): the
same words as the scanner, the sentences, and the labels with their live status. An unknown product
is a 404 that still carries a verdict (``not-registered``).

What it knows and the bundle does not: statuses changed since the bundle was issued, keys newer than
the bundle, whether a serial was ever issued, whether a GTIN is registered at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from scanner import transport
from scanner.errors import NetworkError
from scanner.messages import SERVER_VERDICTS

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class OnlineAnswer:
    """What the resolver said: its verdict word and sentences, and the JSON it sent."""

    verdict: str
    message_vi: str
    message_en: str
    genuine: bool | None
    #: ``(label number, status, valid_until or None)`` of each label the answer is about
    labels: tuple[tuple[str, str, str | None], ...]
    body: dict


class OnlineResolver:
    """A client of one registry's resolver, e.g. ``OnlineResolver("https://id.ecoreg.example")``."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT, opener=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.opener = opener

    def __repr__(self) -> str:
        return f"<OnlineResolver {self.base_url}>"

    def lookup(self, path: str, claim: str | None = None) -> OnlineAnswer:
        """The live verdict for a Digital Link path (``/01/...``, as printed) and its claim, if any.

        Raises :class:`~scanner.errors.NetworkError` when the resolver cannot be reached or does not
        answer with a verdict.
        """
        if not path.startswith("/01/"):
            raise ValueError("the resolver answers Digital Link paths for a GTIN: /01/...")
        url = f"{self.base_url}{path}" + (f"?{claim}" if claim else "")
        answer = transport.get(url, "application/json", timeout=self.timeout, opener=self.opener)
        if answer.status not in (200, 404) or answer.content_type != "application/json":
            raise NetworkError(
                f"the registry answered HTTP {answer.status} ({answer.content_type or 'no type'}) "
                "instead of a verdict",
                url,
                answer.status,
            )
        try:
            body = json.loads(answer.body)
            verdict = body["verdict"]
            labels = tuple(
                (item["label_number"], item["status"], item.get("valid_until")) for item in body["labels"]
            )
        except (ValueError, TypeError, KeyError, UnicodeDecodeError):
            raise NetworkError("the registry's answer is not a verdict", url, answer.status) from None
        if verdict not in SERVER_VERDICTS:
            raise NetworkError(f"the registry answered an unknown verdict {verdict!r}", url, answer.status)
        return OnlineAnswer(
            verdict=verdict,
            message_vi=str(body.get("message_vi") or ""),
            message_en=str(body.get("message_en") or ""),
            genuine=body.get("genuine"),
            labels=labels,
            body=body,
        )
