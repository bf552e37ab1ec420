"""Who may do what: the one place that decides.

Every service asks here before it reads private data or changes anything. A caller is a
:class:`Principal`: the user behind a web session or an API token, the roles that user holds in
which organisations, and, for a token, the scopes it was granted. A token never grants more than
its user's roles do; scopes only narrow.

Reads of another tenant's private data answer "not found" rather than "forbidden", so that a
tenant cannot even learn that a draft of another tenant exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labels.errors import AuthenticationRequired, InvalidInput, NotFound, PermissionDenied

SCOPES: dict[str, str] = {
    "organisations:write": "create organisations (administrators) or edit your own",
    "users:read": "read users of your organisations",
    "users:write": "create users and memberships (administrators)",
    "products:read": "read products, including your organisation's unpublished ones",
    "products:write": "register, edit and import your organisation's products",
    "tokens:write": "list, create and revoke your own API tokens",
    "audit:read": "read the audit trail of your organisations",
    "schemes:write": "define label kinds, schemes and criteria versions (administrators)",
    "applications:read": "read your organisation's label applications, or those you review",
    "applications:write": "create, edit and submit your organisation's applications and upload evidence",
    "labels:write": "decide applications and suspend, reinstate or withdraw labels (the scheme's certifiers)",
    "events:read": "read your organisation's private traceability events",
    "events:write": "capture and import traceability events for your organisation",
    "shelves:write": "run and read your retailer's green-shelf audits",
    "signals:read": "read the scan log's counterfeit signals (the authority and certification bodies)",
    "watchlist:read": "read your retailer's watchlist, notices, webhook endpoints and their delivery log",
    "watchlist:write": "watch and unwatch products and labels, mark notices read, manage webhook endpoints",
    "plan:read": "read your agency's plan reports, drafts included (and, for reviewers, every agency's)",
    "plan:write": "file your agency's plan reports; register your enterprise's model projects",
    "plan:review": "accept or return agencies' plan reports (Sở Công Thương's administrators)",
}

#: Which organisation kinds a role may be held in.
ROLE_ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    "admin": ("authority", "certifier"),
    "certifier": ("authority", "certifier"),
    "enterprise": ("enterprise",),
    "retailer": ("retailer",),
    # Sở Công Thương leads most of the plan's tasks and reports on them like any other agency.
    "reporter": ("agency", "authority"),
}


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    #: (organisation id, role) pairs.
    memberships: tuple[tuple[int, str], ...] = ()
    #: ``None`` for a web session or the console (every scope the roles allow); a set for tokens.
    scopes: frozenset[str] | None = None
    #: how the caller came in: web, api, cli, system.
    channel: str = "api"
    email: str = field(default="", compare=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.channel in ("cli", "system")

    @property
    def is_admin(self) -> bool:
        return self.channel in ("cli", "system") or any(role == "admin" for _, role in self.memberships)

    @property
    def is_certifier(self) -> bool:
        return self.is_admin or any(role == "certifier" for _, role in self.memberships)

    def organisation_ids(self, *roles: str) -> set[int]:
        """Organisations the principal belongs to, optionally only in the given roles."""
        return {org for org, role in self.memberships if not roles or role in roles}

    def member_of(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.organisation_ids()

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


ANONYMOUS = Principal(user_id=None, channel="api")
CONSOLE = Principal(user_id=None, channel="cli")
SYSTEM = Principal(user_id=None, channel="system")


def require_authenticated(principal: Principal) -> None:
    if not principal.is_authenticated:
        raise AuthenticationRequired("log in or send an API token (Authorization: Bearer ...)")


def require_scope(principal: Principal, scope: str) -> None:
    require_authenticated(principal)
    if not principal.has_scope(scope):
        raise PermissionDenied(f"this API token lacks the scope '{scope}'")


def require_admin(principal: Principal, scope: str) -> None:
    require_scope(principal, scope)
    if not principal.is_admin:
        raise PermissionDenied("only registry administrators may do this")


# --- organisations -------------------------------------------------------------------------------


# Every organisation's profile (name, tax code, address, district, sector) is public, as in the
# national business register; what is private is its members, drafts and audit trail.


def require_organisation_editor(principal: Principal, organisation_id: int) -> None:
    require_scope(principal, "organisations:write")
    if not (principal.is_admin or principal.member_of(organisation_id)):
        raise PermissionDenied("only the organisation's members or an administrator may edit it")


# --- users ---------------------------------------------------------------------------------------


def require_user_visible(principal: Principal, user_id: int, user_org_ids: set[int]) -> None:
    """Users see themselves, colleagues in the same organisation; administrators see everyone."""
    require_scope(principal, "users:read")
    if principal.user_id == user_id or principal.is_admin:
        return
    if principal.organisation_ids() & user_org_ids:
        return
    raise NotFound("no such user")


def check_role_fits(role: str, organisation_kind: str) -> bool:
    return organisation_kind in ROLE_ORGANISATION_KINDS.get(role, ())


# --- products ------------------------------------------------------------------------------------


def can_see_product(principal: Principal, holder_id: int, published: bool) -> bool:
    if published:
        return True
    if not principal.has_scope("products:read"):
        return False
    return principal.is_certifier or principal.member_of(holder_id)


def require_product_editor(principal: Principal, holder_id: int) -> None:
    require_scope(principal, "products:write")
    if principal.is_admin:
        return
    if holder_id not in principal.organisation_ids("enterprise"):
        raise PermissionDenied("only members of the holding enterprise may register or edit its products")


def private_product_holders(principal: Principal) -> set[int] | None:
    """Holders whose unpublished products the principal may list; ``None`` means all of them."""
    if not principal.has_scope("products:read"):
        return set()
    if principal.is_certifier:
        return None
    return principal.organisation_ids()


# --- audit ---------------------------------------------------------------------------------------


def audit_scope(principal: Principal) -> set[int] | None:
    """Organisations whose audit entries the principal may read; ``None`` means every entry."""
    require_scope(principal, "audit:read")
    if principal.is_admin:
        return None
    return principal.organisation_ids()


# --- schemes, applications, labels ---------------------------------------------------------------


def certifies_for(principal: Principal, certifier_id: int) -> bool:
    """Whether the principal decides for the certification body ``certifier_id``."""
    return principal.is_admin or certifier_id in principal.organisation_ids("certifier", "admin")


def require_scheme_editor(principal: Principal, certifier_id: int | None = None) -> None:
    """Administrators define schemes; a scheme's own certifiers may publish new criteria versions."""
    require_scope(principal, "schemes:write")
    if principal.is_admin or (certifier_id is not None and certifies_for(principal, certifier_id)):
        return
    raise PermissionDenied("only administrators (or the scheme's certifiers, for criteria) may do this")


def require_applicant(principal: Principal, applicant_id: int) -> None:
    """Only members of the applicant decide about its drafts: not certifiers, not administrators."""
    require_scope(principal, "applications:write")
    if applicant_id not in principal.organisation_ids("enterprise"):
        raise PermissionDenied("only members of the applying enterprise may do this")


def can_see_application(principal: Principal, applicant_id: int, certifier_id: int, state: str) -> bool:
    """The applicant's members always; the scheme's certifiers once it has been submitted."""
    if not principal.is_authenticated or not principal.has_scope("applications:read"):
        return False
    if principal.member_of(applicant_id):
        return True
    return state != "draft" and certifies_for(principal, certifier_id)


def require_certifier_of(principal: Principal, certifier_id: int) -> None:
    require_scope(principal, "labels:write")
    if not certifies_for(principal, certifier_id):
        raise PermissionDenied("only certifiers of this scheme may decide")


# --- traceability events -------------------------------------------------------------------------

#: Roles whose organisations record what they make, pack, ship and receive.
EVENT_CAPTURING_ROLES = ("enterprise", "retailer")


def require_event_capturer(principal: Principal, organisation_id: int) -> None:
    """Only an organisation's own members capture events for it: nobody may speak for another."""
    require_scope(principal, "events:write")
    if organisation_id not in principal.organisation_ids(*EVENT_CAPTURING_ROLES):
        raise PermissionDenied("only members of the organisation may capture events for it")


def private_event_owners(principal: Principal) -> set[int] | None:
    """Organisations whose private events the principal may read; ``None`` means all of them."""
    if not principal.is_authenticated or not principal.has_scope("events:read"):
        return set()
    if principal.is_admin:
        return None
    return principal.organisation_ids()


# --- watchlists, notices and webhooks ------------------------------------------------------------

# Which products a supermarket watches and where its systems listen are its own business: only its
# retailer members keep them, not even administrators (who see each change in the audit trail).


#: Who keeps webhook endpoints: retailers, for their watchlists' notices, and the plan's agencies (their
#: reporters), for the reminders before their reports are due.
WEBHOOK_KEEPING_ROLES = ("retailer", "reporter")


def watchlist_keepers(principal: Principal, scope: str, roles: tuple[str, ...] = ("retailer",)) -> set[int]:
    """The organisations whose watchlist, notices (or, with ``WEBHOOK_KEEPING_ROLES``, webhooks) the
    principal keeps; empty for everyone else, who therefore find none of them ("not found")."""
    require_scope(principal, scope)
    return principal.organisation_ids(*roles)


def require_watchlist_keepers(
    principal: Principal,
    scope: str,
    organisation_id: int | None = None,
    roles: tuple[str, ...] = ("retailer",),
) -> set[int]:
    """The organisations a list covers: the one named, or all of the caller's."""
    keepers = watchlist_keepers(principal, scope, roles)
    if not keepers:
        raise PermissionDenied("only members of a retailer keep a watchlist, notices and webhooks")
    if organisation_id is None:
        return keepers
    if organisation_id not in keepers:
        raise PermissionDenied("only the retailer's own members keep its watchlist and webhooks")
    return {organisation_id}


def require_watchlist_keeper(
    principal: Principal,
    scope: str,
    organisation_id: int | None = None,
    roles: tuple[str, ...] = ("retailer",),
) -> int:
    """The organisation a new watch or endpoint is for: the one named, or the caller's only one."""
    keepers = require_watchlist_keepers(principal, scope, organisation_id, roles)
    if len(keepers) > 1:
        raise InvalidInput.one(
            "organisation_id", "required", "you are a member of several retailers: name one"
        )
    return next(iter(keepers))


# --- the action plan -----------------------------------------------------------------------------

# An agency's reporters file its reports; its drafts are its own. Sở Công Thương's administrators
# review every submitted report. Accepted reports are public: they are the province's record.


def require_reporter(principal: Principal, organisation_id: int) -> None:
    require_scope(principal, "plan:write")
    if organisation_id in principal.organisation_ids("reporter") or principal.channel in ("cli", "system"):
        return
    raise PermissionDenied("only the agency's reporters may file its plan reports")


def is_plan_reviewer(principal: Principal) -> bool:
    return principal.is_admin and principal.has_scope("plan:review")


def require_plan_reviewer(principal: Principal) -> None:
    require_scope(principal, "plan:review")
    if not principal.is_admin:
        raise PermissionDenied("only Sở Công Thương's administrators review plan reports")


def can_see_plan_report(principal: Principal, organisation_id: int, state: str) -> bool:
    if state == "accepted":
        return True
    if not principal.has_scope("plan:read"):
        return False
    if principal.member_of(organisation_id) or principal.channel in ("cli", "system"):
        return True
    return state != "draft" and principal.is_admin
