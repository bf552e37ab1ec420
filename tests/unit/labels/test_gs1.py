import pytest

from labels.gs1 import InvalidIdentifier, check_digit, gtin_has_prefix, make_gtin, normalise_gtin


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("8935049500018", "08935049500018"),  # GTIN-13
        ("08935049500018", "08935049500018"),  # GTIN-14
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        (" 8935049500018 ", "08935049500018"),
    ],
)
def test_gtins_of_every_length_normalise_to_14_digits(given, expected):
    assert normalise_gtin(given) == expected


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("8935049500016", "check-digit"),
        ("893504950002", "check-digit"),
        ("89350495000", "length"),
        ("893504950001X", "digits"),
        ("８９３５０４９５０００１５", "digits"),  # full-width digits are not ASCII digits
        ("", "digits"),
    ],
)
def test_bad_gtins_name_the_rule_they_break(given, rule):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_gtin(given)
    assert caught.value.rule == rule


def test_check_digit_follows_the_gs1_mod10_example():
    # GS1 General Specifications 7.9.1 worked example: 629104150021 -> check digit 3.
    assert check_digit("629104150021") == 3


def test_make_gtin_builds_a_valid_gtin_under_the_prefix():
    gtin = make_gtin("89360011", 7)
    assert len(gtin) == 14
    assert normalise_gtin(gtin) == gtin
    assert gtin_has_prefix(gtin, "89360011")
    assert not gtin_has_prefix(gtin, "89360012")


def test_make_gtin_refuses_an_item_reference_that_does_not_fit():
    with pytest.raises(InvalidIdentifier):
        make_gtin("89360011", 123456)
