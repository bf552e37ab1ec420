"""Validation of EPCIS 2.0 JSON-LD capture documents against the official GS1 JSON Schema.

The schema ships unchanged as package data (``labels/traceability/epcis_schema/``). It is compiled once, by
``jsonschema_rs``: a 500-event document validates in about 3 ms, where the pure-Python
``jsonschema`` needs about 0.7 s. ``jsonschema_rs`` also asserts the ``uri`` and
``date-time`` formats out of the box. The schema depends on them: a non-standard bare-word
``bizStep``, an ``ilmd`` field without a namespace and a malformed ``eventTime`` are refused only
by those formats.

The document envelope and each event are validated separately, so a capture in "proceed" mode
can keep the good events and report the bad ones (``validate_event``). Schema errors become
``FieldIssue`` values: a JSON path to the field (``epcisBody.eventList[1].bizStep``), the broken
rule as a short word and one English sentence. An ``anyOf`` is reduced to the alternative that
explains the failure best, not dumped whole.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, NamedTuple

import jsonschema_rs

from labels.errors import FieldIssue, InvalidInput

#: A refusal lists at most this many issues; a client fixes those and tries again.
MAX_ISSUES = 50

SCHEMA_FILE = "EPCIS-JSON-Schema.json"
EVENT_LIST = ("epcisBody", "eventList")
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)

# Measurement types used by the openepcis reference capture documents that this schema snapshot
# (gs1/EPCIS @ 2b888be) does not list. See _with_errata().
EXTRA_MEASUREMENT_TYPES = ("Molar_concentration", "EffectiveDoseRate")

Path = tuple[str | int, ...]


# --- the schema --------------------------------------------------------------------------------


def official_schema() -> dict:
    """The official GS1 EPCIS 2.0 JSON Schema, as shipped in the package."""
    resource = resources.files("labels.traceability") / "epcis_schema" / SCHEMA_FILE
    return json.loads(resource.read_text(encoding="utf-8"))


def _with_errata(schema: dict) -> dict:
    """The official schema with the registry's few, deliberate leniencies applied in memory.

    The openepcis reference capture documents (``../shared/testdata/epcis/capture-valid``) break
    this schema snapshot in three places. Each leniency is as narrow as that document needs.
    """
    schema = copy.deepcopy(schema)
    definitions = schema["definitions"]
    # 1. The EPCIS 2.0 XSD (AggregationEventType) allows persistentDisposition in an
    #    AggregationEvent; this JSON Schema does not (GS1 issue #440 leans towards forbidding it).
    #    We follow the XSD so that XML and JSON captures of the same event get the same answer.
    aggregation = definitions["AggregationEvent"]["allOf"][1]
    aggregation["properties"]["persistentDisposition"] = {"$ref": "#/definitions/persistentDisposition"}
    aggregation["propertyNames"]["anyOf"][1]["enum"].append("persistentDisposition")
    # 2. A sensor report that only raises an alarm or error condition (``exception``) measures
    #    nothing, so it has no measurement ``type``. The XSD's SensorReportType makes ``type``
    #    optional; here it stays required unless ``exception`` is given.
    report = definitions["sensorReport"]
    report.pop("required")  # ["type"]
    report["anyOf"] = [{"required": ["type"]}, {"required": ["exception"]}]
    # 3. The GS1 Web Vocabulary's measurement types are a living code list; the schema's enum is
    #    a 2022 snapshot. Accept, by name only, the two the reference documents use (not checked
    #    against the live vocabulary). Any other bare word is still refused.
    definitions["measurementType"]["anyOf"][1]["enum"].extend(EXTRA_MEASUREMENT_TYPES)
    return schema


def _compile(definitions: dict, root: str) -> jsonschema_rs.Validator:
    """A validator for one definition; draft-07 ignores keywords beside ``$ref``, hence the allOf."""
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "allOf": [{"$ref": f"#/definitions/{root}"}],
        "definitions": definitions,
    }
    return jsonschema_rs.validator_for(schema, validate_formats=True)


class _Validators(NamedTuple):
    envelope: jsonschema_rs.Validator
    event: jsonschema_rs.Validator


@functools.cache
def _validators() -> _Validators:
    definitions = _with_errata(official_schema())["definitions"]
    # The envelope validator leaves the events to the event validator, so that every issue
    # comes from one place and names its event.
    envelope_definitions = {**definitions, "eventList": {"type": "array"}}
    return _Validators(
        envelope=_compile(envelope_definitions, "epcisDocument"),
        event=_compile(definitions, "EPCIS-Document-Event"),
    )


# --- the public API ----------------------------------------------------------------------------


def validate_capture_document(doc: dict) -> None:
    """Refuse an EPCIS 2.0 capture document (an ``EPCISDocument``) that breaks the schema.

    Raises ``InvalidInput`` carrying every problem found (at most ``MAX_ISSUES``): first those of
    the document itself, then those of each event in ``eventList`` order.
    """
    issues = validate_envelope(doc)
    for index, event in enumerate(_event_list(doc)):
        if len(issues) > MAX_ISSUES:  # one more than listed, to say that there are more
            break
        issues.extend(validate_event(event, index))
    if issues:
        raise InvalidInput(issues[:MAX_ISSUES], detail=_summary(issues))


def validate_envelope(doc: dict) -> list[FieldIssue]:
    """The problems of the document itself, its events left aside (``validate_event`` checks those).

    For "proceed" mode: any issue here refuses the whole document; then each event is judged on
    its own, with no cap across events (``validate_capture_document`` stops at ``MAX_ISSUES``, so
    an event past the cap would go unreported).
    """
    envelope = _validators().envelope
    return [] if envelope.is_valid(doc) else _issues(envelope.iter_errors(doc))[:MAX_ISSUES]


def validate_event(event: dict, index: int) -> list[FieldIssue]:
    """The problems of one event of a capture document's ``eventList`` (none if it is valid).

    Fields are named from the document root (``epcisBody.eventList[3].action``); each message
    starts with the event's index and, if it has one, its ``eventID``.
    """
    validator = _validators().event
    if validator.is_valid(event):
        return []
    prefix = (*EVENT_LIST, index)
    issues = _issues(validator.iter_errors(event), prefix)[:MAX_ISSUES]
    label = _event_label(event, index)
    return [FieldIssue(issue.field, issue.rule, f"{label}: {issue.message}") for issue in issues]


def _event_list(doc: Any) -> list:
    body = doc.get("epcisBody") if isinstance(doc, dict) else None
    events = body.get("eventList") if isinstance(body, dict) else None
    return events if isinstance(events, list) else []


def _event_label(event: Any, index: int) -> str:
    event_id = event.get("eventID") if isinstance(event, dict) else None
    if isinstance(event_id, str) and event_id:
        return f"Event {index} (eventID {_shorten(event_id, 160)})"
    return f"Event {index}"


def _summary(issues: list[FieldIssue]) -> str:
    if len(issues) > MAX_ISSUES:
        return (
            f"The EPCIS document is invalid: more than {MAX_ISSUES} problems, the first {MAX_ISSUES} listed."
        )
    plural = "problem" if len(issues) == 1 else "problems"
    return f"The EPCIS document is invalid: {len(issues)} {plural}."


# --- from schema errors to issues --------------------------------------------------------------


def _issues(errors: Iterable[jsonschema_rs.ValidationError], prefix: Path = ()) -> list[FieldIssue]:
    """One issue per broken field, in the validator's order.

    An ``anyOf`` often restates a problem that a plain keyword already reported (an unknown
    ``action`` fails both the ``enum`` and the ``anyOf`` tying ``ilmd`` to ADD); the plain one wins.
    """
    direct: list[FieldIssue] = []
    derived: list[FieldIssue] = []
    for error in errors:
        target = derived if error.kind.name in ("anyOf", "oneOf") else direct
        target.extend(_translate(error, prefix))
    issues: list[FieldIssue] = []
    seen: set[str] = set()
    for issue in direct + derived:
        if issue.field not in seen:
            seen.add(issue.field)
            issues.append(issue)
    return issues


def _translate(error: jsonschema_rs.ValidationError, prefix: Path) -> list[FieldIssue]:
    path = (*prefix, *error.instance_path)
    kind = error.kind.name
    details = error.kind.as_dict()
    if kind == "required":
        name = details["property"]
        return [FieldIssue(_field((*path, name)), "required", _missing_message(name))]
    if kind == "additionalProperties":
        return [
            FieldIssue(_field((*path, name)), "additionalProperties", f"'{name}' is not allowed here.")
            for name in details["unexpected"]
        ]
    if kind == "propertyNames":
        return [_unexpected_name(path, details["error"].instance, error.instance)]
    if kind == "anyOf" or type(error.kind).__name__ == "OneOfNotValid":
        return _translate_alternatives(error, details["context"], prefix)
    if kind == "format" and prefix[:2] == EVENT_LIST and tuple(error.instance_path) == ("type",):
        return [_unknown_event_type(path, error.instance)]
    rule, message = _describe(error, path)
    return [FieldIssue(_field(path), rule, message)]


def _unknown_event_type(path: Path, value: Any) -> FieldIssue:
    """Any event type but the five standard ones is an extension, so it must be a URI."""
    message = (
        f"{_show(value)} is not a standard EPCIS event type ({_preview(EVENT_TYPES, 5)}); "
        "an event type of your own must be a URI."
    )
    return FieldIssue(_field(path), "enum", message)


def _missing_message(name: str) -> str:
    if name == "@context":
        return f"'@context' is required; it names the JSON-LD context of the EPCIS terms, {EPCIS_CONTEXT}."
    return f"'{name}' is required but missing."


def _unexpected_name(path: Path, name: str, owner: Any) -> FieldIssue:
    """A property name that is neither a field of its object nor a URI (a user extension)."""
    field = _field((*path, name))
    event_type = owner.get("type") if isinstance(owner, dict) else None
    if name in _event_field_names() and isinstance(event_type, str):
        return FieldIssue(field, "additionalProperties", f"'{name}' is not a field of {_a(event_type)}.")
    example = f"'example:{name}', with the 'example' prefix declared in @context"
    if path and path[-1] == "ilmd":
        message = f"ilmd field '{name}' has no namespace; ilmd fields are user-defined, so namespace it"
    else:
        message = f"'{name}' is not a standard field here; a user extension field must be namespaced"
    message += f", e.g. {example}."
    return FieldIssue(field, "namespace", message)


def _describe(error: jsonschema_rs.ValidationError, path: Path) -> tuple[str, str]:
    """Rule and message for a keyword that concerns the value at ``path`` itself."""
    kind = error.kind.name
    details = error.kind.as_dict()
    value = error.instance
    if kind == "type":
        return "type", f"Must be {_types(details['types'])}, not {_json_type(value)}."
    if kind == "enum":
        return "enum", f"{_show(value)} is not one of the allowed values: {_preview(details['options'])}."
    if kind == "format":
        return "format", _format_message(details["format"], value)
    if kind == "pattern":
        return "pattern", _pattern_message(details["pattern"], value, path)
    if kind == "minItems":
        return "minItems", f"Must have at least {details['limit']} item(s)."
    if kind == "uniqueItems":
        return "uniqueItems", "Must not list the same item twice."
    if kind in ("not", "falseSchema"):
        return "not", _not_allowed_message(path)
    return kind, _shorten(error.message, 200)


def _not_allowed_message(path: Path) -> str:
    name = _last_name(path)
    if name == "ilmd":
        # Instance/lot master data describes objects as they come into being (EPCIS 2.0 ILMD).
        return "'ilmd' is only allowed when action is ADD."
    return f"'{name}' is not allowed here."


def _format_message(format_name: str, value: Any) -> str:
    if format_name == "date-time":
        example = "'2026-07-22T06:45:00+02:00'"
        return f"{_show(value)} is not an RFC 3339 date-time with a time zone, such as {example}."
    if format_name == "uri":
        return f"{_show(value)} is not an absolute URI (it needs a scheme, such as 'https:' or 'urn:')."
    return f"{_show(value)} is not a valid {format_name}."


# The schema's patterns, in words.
_PATTERN_MESSAGES = {
    r"^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$": "a UTC offset such as '+02:00' or '-06:00'",
    r"^[A-Z0-9]{2,3}$": "a UN/CEFACT Rec. 20 unit code (2 or 3 capital letters or digits, such as 'KGM')",
    r"^[A-Fa-f0-9]+$": "hexadecimal digits",
    r"^\d+(\.\d+)*$": "a version number such as '2.0'",
}
_EXACT_WORD = re.compile(r"^\^(\w+)\$$")
# vocab-other-uri and vocab-nonGS1WebVoc-uri: standard values must not be written as GS1 URIs.
_GS1_NAMESPACE_BAN = re.compile(r"^\^\(\?!")


def _pattern_message(pattern: str, value: Any, path: Path) -> str:
    if pattern in _PATTERN_MESSAGES:
        return f"{_show(value)} is not {_PATTERN_MESSAGES[pattern]}."
    word = _EXACT_WORD.match(pattern)
    if word:
        return f"Must be '{word.group(1)}', not {_show(value)}."
    if _GS1_NAMESPACE_BAN.match(pattern):
        return _gs1_uri_message(value, path)
    return f"{_show(value)} does not match the pattern {pattern}."


def _gs1_uri_message(value: Any, path: Path) -> str:
    bare = re.split(r"[:/-]", str(value))[-1]
    return (
        f"{_show(value)} is the URI form of a standard {' '.join(_vocabulary(path))}; "
        f"EPCIS 2.0 JSON writes standard values as bare words, such as '{bare}'."
    )


# --- anyOf / oneOf -------------------------------------------------------------------------------


def _translate_alternatives(
    error: jsonschema_rs.ValidationError,
    branches: Sequence[Sequence[jsonschema_rs.ValidationError]],
    prefix: Path,
) -> list[FieldIssue]:
    """The issue(s) of the alternative that explains the failure best."""
    own_path = tuple(error.instance_path)
    path = (*prefix, *own_path)
    # An alternative that wants another JSON type altogether (a string where an array was given)
    # says nothing useful about the value; drop it.
    viable = [branch for branch in branches if not _wrong_type(branch, own_path)]
    if not viable:
        types = [t for branch in branches for e in branch for t in e.kind.as_dict().get("types", [])]
        message = f"Must be {_types(list(dict.fromkeys(types)))}, not {_json_type(error.instance)}."
        return [FieldIssue(_field(path), "type", message)]
    vocabulary = _vocabulary_issue(error, viable, path)
    if vocabulary:
        return [vocabulary]
    if all(_phrases(branch, own_path) is not None for branch in viable):
        return [_needs_one_of(viable, own_path, path)]
    best = min(viable, key=_branch_rank)
    return [issue for sub in best for issue in _translate(sub, prefix)]


def _wrong_type(branch: Sequence[jsonschema_rs.ValidationError], own_path: tuple) -> bool:
    return any(e.kind.name == "type" and tuple(e.instance_path) == own_path for e in branch)


def _vocabulary_issue(
    error: jsonschema_rs.ValidationError,
    branches: Sequence[Sequence[jsonschema_rs.ValidationError]],
    path: Path,
) -> FieldIssue | None:
    """A CBV / GS1 vocabulary field: a standard bare word, or else a URI outside the GS1 namespaces.

    In EPCIS 2.0 JSON a standard CBV value is a bare word, and any other value must be a URI of
    its own. The value is then either an unknown bare word (rule ``enum``) or a GS1 URI that
    should have been the bare word (rule ``pattern``).
    """
    own_path = tuple(error.instance_path)
    errors = [e for branch in branches for e in branch]
    if any(tuple(e.instance_path) != own_path for e in errors):
        return None
    kinds = {e.kind.name for e in errors}
    if "enum" not in kinds or not kinds <= {"enum", "format", "pattern"}:
        return None
    value = error.instance
    if "format" not in kinds:
        return FieldIssue(_field(path), "pattern", _gs1_uri_message(value, path))
    options = next(e.kind.as_dict()["options"] for e in errors if e.kind.name == "enum")
    authority, noun = _vocabulary(path)
    message = (
        f"{_show(value)} is not a standard {authority} {noun} ({_preview(options)}); "
        f"a {noun} of your own must be a URI, such as 'https://example.com/voc/{_shorten(str(value), 40)}'."
    )
    return FieldIssue(_field(path), "enum", message)


def _phrases(branch: Sequence[jsonschema_rs.ValidationError], own_path: tuple) -> list[str] | None:
    """What an alternative asks for, in words, if it only asks for fields of the object itself."""
    phrases = []
    for e in branch:
        relative = tuple(e.instance_path)[len(own_path) :]
        kind = e.kind.name
        if tuple(e.instance_path)[: len(own_path)] != own_path or len(relative) > 1:
            return None
        word = _EXACT_WORD.match(e.kind.as_dict()["pattern"]) if kind == "pattern" else None
        if kind == "required" and not relative:
            phrases.append(f"'{e.kind.as_dict()['property']}'")
        elif kind == "minItems" and relative:
            phrases.append(f"a non-empty '{relative[0]}'")
        elif word and relative:
            phrases.append(f"{relative[0]} {word.group(1)}")
        else:
            return None
    return phrases


def _needs_one_of(
    branches: Sequence[Sequence[jsonschema_rs.ValidationError]], own_path: tuple, path: Path
) -> FieldIssue:
    """E.g. an ObjectEvent needs an epcList, a quantityList or a sensorElementList with a readPoint."""
    options = [" and ".join(_phrases(branch, own_path) or []) for branch in branches]
    field = _field((*path, _first_field(branches, own_path)))
    return FieldIssue(field, "required", f"Needs {_either(options)}.")


def _first_field(branches: Sequence[Sequence[jsonschema_rs.ValidationError]], own_path: tuple) -> str:
    """The field an alternatives issue is filed under: the one the first alternative asks for."""
    first = branches[0][0]
    if first.kind.name == "required":
        return first.kind.as_dict()["property"]
    return first.instance_path[len(own_path)]


# Most telling first: a missing or forbidden field beats a value outside a list beats a bad shape.
_KIND_RANK = {"required": 0, "not": 0, "additionalProperties": 0, "propertyNames": 0, "enum": 1, "type": 2}


def _branch_rank(branch: Sequence[jsonschema_rs.ValidationError]) -> tuple[int, int, int]:
    best_kind = min(_KIND_RANK.get(e.kind.name, 3) for e in branch)
    deepest = max(len(e.instance_path) for e in branch)
    return len(branch), best_kind, -deepest


# --- words ---------------------------------------------------------------------------------------

# Which code list a field's values come from: (who defines it, what a value is called).
_VOCABULARIES = {
    "bizStep": ("CBV", "business step"),
    "disposition": ("CBV", "disposition"),
    "set": ("CBV", "disposition"),
    "unset": ("CBV", "disposition"),
    "reason": ("CBV", "error reason"),
    "component": ("CBV", "component"),
    "exception": ("GS1", "sensor alert type"),
}
_TYPE_VOCABULARIES = {
    "sourceList": ("CBV", "source/destination type"),
    "destinationList": ("CBV", "source/destination type"),
    "bizTransactionList": ("CBV", "business transaction type"),
    "sensorReport": ("GS1", "measurement type"),
}


def _vocabulary(path: Path) -> tuple[str, str]:
    names = [step for step in path if isinstance(step, str)] or ["value"]
    if names[-1] == "type" and len(names) > 1:
        return _TYPE_VOCABULARIES.get(names[-2], ("EPCIS", f"{names[-2]} type"))
    return _VOCABULARIES.get(names[-1], ("EPCIS", f"value for '{names[-1]}'"))


@functools.cache
def _event_field_names() -> frozenset[str]:
    """Every field name the standard event types define, whichever type defines it."""
    definitions = official_schema()["definitions"]
    names = set(definitions["common-event-properties"]["anyOf"][0]["enum"])
    for event_type in EVENT_TYPES:
        names.update(definitions[event_type]["allOf"][1]["propertyNames"]["anyOf"][1]["enum"])
    return frozenset(names)


def _field(path: Path) -> str:
    """``epcisBody.eventList[1].bizStep``; ``$`` for the document itself."""
    field = ""
    for step in path:
        if isinstance(step, int):
            field += f"[{step}]"
        elif re.fullmatch(r"[^.\[\]'\s]+", step):
            field += f".{step}" if field else step
        else:
            field += f"['{step}']"
    return field or "$"


def _last_name(path: Path) -> str:
    names = [step for step in path if isinstance(step, str)]
    return names[-1] if names else "$"


def _types(types: Sequence[str]) -> str:
    return _either([_a(t) for t in types] or ["another type"])


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _either(options: Sequence[str]) -> str:
    """'x', 'x or y', 'x, or y, or z' (the commas keep 'a and b' alternatives apart)."""
    if len(options) <= 2:
        return " or ".join(options)
    return ", or ".join(options)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    return "an array" if isinstance(value, list) else "an object"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"'{_shorten(value)}'"
    return _shorten(json.dumps(value, ensure_ascii=False))


def _preview(options: Sequence[Any], limit: int = 4) -> str:
    shown = ", ".join(f"'{option}'" for option in options[:limit])
    return shown if len(options) <= limit else f"{shown}, … ({len(options)} in all)"


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
