"""The domain's exceptions. ``app/errors.py`` maps each class, once, to an RFC 9457 problem type."""

from __future__ import annotations

from dataclasses import dataclass


class LabelsError(Exception):
    """Base of every refusal the domain makes."""

    #: Short machine name of the problem; the problem document's ``type`` ends with it.
    problem = "domain-error"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class FieldIssue:
    """One broken rule: which field, which rule, in words a person understands."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class InvalidInput(LabelsError):
    """Input breaks a domain rule; carries every broken rule at once, each naming its field."""

    problem = "invalid-input"

    def __init__(self, issues: list[FieldIssue] | FieldIssue, detail: str | None = None):
        self.issues = [issues] if isinstance(issues, FieldIssue) else list(issues)
        if not self.issues:
            raise ValueError("InvalidInput needs at least one issue")
        super().__init__(detail or "; ".join(f"{i.field}: {i.message}" for i in self.issues))

    @classmethod
    def one(cls, field: str, rule: str, message: str) -> InvalidInput:
        return cls(FieldIssue(field, rule, message))


class InvalidQuery(InvalidInput):
    """Query parameters that are unknown or malformed (a 400: the request itself is wrong)."""

    problem = "invalid-query"


class InvalidEpcisDocument(InvalidInput):
    """An EPCIS document that breaks the standard's schema or rules; each issue names event and field.

    A 400, as the EPCIS 2.0 REST binding answers an invalid capture document, not our usual 422.
    """

    problem = "invalid-epcis-document"


class NotFound(LabelsError):
    """The thing does not exist, or the caller may not know that it does."""

    problem = "not-found"


class Conflict(LabelsError):
    """The request clashes with the current state (a duplicate, an illegal transition)."""

    problem = "conflict"

    def __init__(self, detail: str, field: str | None = None, rule: str | None = None):
        super().__init__(detail)
        self.field = field
        self.rule = rule


class PermissionDenied(LabelsError):
    """The caller is known but may not do this."""

    problem = "forbidden"


class AuthenticationRequired(LabelsError):
    """The caller did not prove who they are (no session, or a bad, expired or revoked token)."""

    problem = "unauthenticated"


class PayloadTooLarge(LabelsError):
    """An upload is bigger than the registry accepts."""

    problem = "payload-too-large"

    def __init__(self, detail: str, field: str, limit: int):
        super().__init__(detail)
        self.field = field
        self.limit = limit


class IllegalTransition(Conflict):
    """The action is not allowed from the current state; the problem names that state."""

    def __init__(self, action: str, current: str, allowed_from: tuple[str, ...]):
        super().__init__(
            f"cannot {action.replace('_', ' ')} in state '{current}'"
            + (f" (only from {', '.join(allowed_from)})" if allowed_from else ""),
            field="state",
            rule="transition",
        )
        self.action = action
        self.current = current
