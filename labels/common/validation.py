"""Turning marshmallow's validation messages into the registry's ``(field, rule, message)`` issues.

Marshmallow names the broken rule only in words; the phrases below are stable across its
releases and name it. Shared by the API (request schemas) and the domain (claim schemas).
"""

from __future__ import annotations

import re

from labels.errors import FieldIssue, InvalidInput
from labels.gs1.identifiers import InvalidIdentifier, normalise_gtin

_RULES = [
    (re.compile(r"^Missing data for required field"), "required"),
    (re.compile(r"^Field may not be null"), "not-null"),
    (re.compile(r"^Unknown field"), "unknown-field"),
    (
        re.compile(
            r"^Not a valid (integer|number|string|boolean|list|mapping|datetime|date|email|URL|tuple)"
        ),
        "type",
    ),
    (re.compile(r"^Invalid (input type|value)"), "type"),
    (re.compile(r"^(Shorter|Longer) than|^Length must be"), "length"),
    (re.compile(r"^Must be (greater|less|between)"), "range"),
    (re.compile(r"^Must be one of"), "one-of"),
    (re.compile(r"^String does not match expected pattern"), "pattern"),
    (re.compile(r"^Invalid JSON body"), "json-syntax"),
]
# Our own validators put the rule in front: "[rule] message".
_TAGGED = re.compile(r"^\[([a-z0-9-]+)\] (.*)$", re.S)


def tagged(rule: str, message: str) -> str:
    """A validation message that carries its rule name, for custom marshmallow validators."""
    return f"[{rule}] {message}"


def rule_and_message(message: str) -> tuple[str, str]:
    match = _TAGGED.match(message)
    if match:
        return match.group(1), match.group(2)
    for pattern, rule in _RULES:
        if pattern.search(message):
            return rule, message
    return "invalid", message


def flatten_messages(messages: object, prefix: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested ``{field: [msg]}`` as ``(dotted field, message)`` pairs."""
    if isinstance(messages, dict):
        pairs = []
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            pairs.extend(flatten_messages(value, name))
        return pairs
    if isinstance(messages, list | tuple):
        pairs = []
        for item in messages:
            if isinstance(item, dict | list):
                pairs.extend(flatten_messages(item, prefix))
            else:
                pairs.append((prefix, str(item)))
        return pairs
    return [(prefix, str(messages))]


def invalid_input(messages: object, prefix: str = "") -> InvalidInput:
    """An :class:`InvalidInput` naming every field and rule in marshmallow's ``messages``."""
    issues = []
    for field, text in flatten_messages(messages, prefix):
        rule, message = rule_and_message(text)
        issues.append(FieldIssue(field or prefix or "body", rule, message))
    return InvalidInput(issues)


def gtin_input(value: str, field: str = "gtin") -> str:
    """A GTIN given by a caller, as GTIN-14; :class:`InvalidInput` naming ``field`` and the rule otherwise."""
    try:
        return normalise_gtin(value)
    except InvalidIdentifier as exc:
        raise InvalidInput.one(field, exc.rule, str(exc)) from None
