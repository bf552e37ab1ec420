import pytest

from labels.errors import AuthenticationRequired, NotFound, PermissionDenied
from labels.registry.permissions import (
    ANONYMOUS,
    Principal,
    can_see_product,
    private_product_holders,
    require_product_editor,
    require_scope,
    require_user_visible,
)

ENTERPRISE_A = Principal(user_id=1, memberships=((10, "enterprise"),))
ENTERPRISE_B = Principal(user_id=2, memberships=((20, "enterprise"),))
CERTIFIER = Principal(user_id=3, memberships=((30, "certifier"),))
ADMIN = Principal(user_id=4, memberships=((30, "admin"),))
RETAILER = Principal(user_id=5, memberships=((40, "retailer"),))


def test_anonymous_callers_must_authenticate_before_anything_scoped():
    with pytest.raises(AuthenticationRequired):
        require_scope(ANONYMOUS, "products:read")


def test_a_token_without_the_scope_is_refused_even_for_an_admin():
    token = Principal(user_id=4, memberships=((30, "admin"),), scopes=frozenset({"products:read"}))
    with pytest.raises(PermissionDenied):
        require_product_editor(token, 10)


def test_drafts_are_visible_to_the_holder_and_certifiers_only():
    assert can_see_product(ENTERPRISE_A, 10, published=False)
    assert can_see_product(CERTIFIER, 10, published=False)
    assert not can_see_product(ENTERPRISE_B, 10, published=False)
    assert not can_see_product(RETAILER, 10, published=False)
    assert not can_see_product(ANONYMOUS, 10, published=False)
    assert can_see_product(ANONYMOUS, 10, published=True)


def test_only_members_of_the_holder_edit_its_products():
    require_product_editor(ENTERPRISE_A, 10)
    require_product_editor(ADMIN, 10)
    for outsider in (ENTERPRISE_B, CERTIFIER, RETAILER):
        with pytest.raises(PermissionDenied):
            require_product_editor(outsider, 10)


def test_private_product_holders_narrow_to_own_organisations():
    assert private_product_holders(ENTERPRISE_A) == {10}
    assert private_product_holders(CERTIFIER) is None
    assert private_product_holders(ANONYMOUS) == set()


def test_users_of_other_organisations_look_nonexistent():
    require_user_visible(ENTERPRISE_A, 1, {10})
    require_user_visible(ENTERPRISE_A, 9, {10})  # a colleague
    require_user_visible(ADMIN, 9, {20})
    with pytest.raises(NotFound):
        require_user_visible(ENTERPRISE_A, 2, {20})
