import pytest

from labels.registry.taxcode import InvalidTaxCode, make_tax_code, normalise_tax_code, tax_check_digit


@pytest.mark.parametrize("code", ["0300588569", "0100109106", "0300588569-001", " 0100109106 "])
def test_published_tax_codes_are_accepted(code):
    assert normalise_tax_code(code) == code.strip()


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("0300588568", "check-digit"),
        ("030058856", "format"),
        ("0300588569-01", "format"),
        ("0300588569001", "format"),
        ("0300588569-000", "branch"),
        ("03005885a9", "format"),
    ],
)
def test_bad_tax_codes_name_the_rule(code, rule):
    with pytest.raises(InvalidTaxCode) as caught:
        normalise_tax_code(code)
    assert caught.value.rule == rule


def test_some_nine_digit_stems_have_no_valid_check_digit():
    assert tax_check_digit("360010102") is None
    with pytest.raises(InvalidTaxCode):
        make_tax_code("360010102")


def test_make_tax_code_round_trips():
    assert normalise_tax_code(make_tax_code("360020101")) == make_tax_code("360020101")
