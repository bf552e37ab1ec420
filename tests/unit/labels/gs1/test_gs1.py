import pytest

from labels.gs1.identifiers import (
    InvalidIdentifier,
    check_cset82,
    check_digit,
    gtin_has_prefix,
    is_cset82,
    make_gtin,
    normalise_gln,
    normalise_gtin,
    normalise_sscc,
)


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


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0614141123452", "0614141123452"),  # EPC Tag Data Standard's SGLN example
        ("8936001100017", "8936001100017"),  # a GLN under a Vietnamese prefix
        (" 0614141123452\n", "0614141123452"),
    ],
)
def test_glns_are_13_digits_with_a_check_digit(given, expected):
    assert normalise_gln(given) == expected


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("0614141123453", "check-digit"),
        ("614141123452", "length"),  # a GTIN-12 is not a GLN: no zero-padding
        ("00614141123452", "length"),
        ("061414112345A", "digits"),
    ],
)
def test_bad_glns_name_the_rule_they_break(given, rule):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_gln(given)
    assert caught.value.rule == rule


@pytest.mark.parametrize(
    "given",
    [
        "106141412345678908",  # EPC Tag Data Standard's SSCC example
        "089360011000000017",  # a pallet under a Vietnamese prefix
    ],
)
def test_ssccs_are_18_digits_with_a_check_digit(given):
    assert normalise_sscc(given) == given


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("106141412345678907", "check-digit"),
        ("10614141234567890", "length"),
        ("1061414123456789080", "length"),
        ("10614141234567890X", "digits"),
    ],
)
def test_bad_ssccs_name_the_rule_they_break(given, rule):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_sscc(given)
    assert caught.value.rule == rule


def test_the_check_digit_rule_says_which_digit_was_expected():
    with pytest.raises(InvalidIdentifier, match="should be 8, not 7"):
        normalise_sscc("106141412345678907")


@pytest.mark.parametrize("value", ["ABC-123", "lot.7/2026", "!\"%&'()*+,-./:;<=>?_", "x" * 20, "Z"])
def test_character_set_82_accepts_what_lots_and_serials_may_hold(value):
    assert is_cset82(value)
    assert check_cset82(value) == value


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("LÔ-01", "charset"),  # Vietnamese letters are not in the set
        ("A B", "charset"),
        ("A#1", "charset"),
        ("$5", "charset"),
        ("", "length"),
        ("x" * 21, "length"),
    ],
)
def test_character_set_82_refuses_the_rest(value, rule):
    with pytest.raises(InvalidIdentifier) as caught:
        check_cset82(value, what="serial")
    assert caught.value.rule == rule


def test_character_set_82_has_exactly_82_characters():
    assert sum(is_cset82(chr(code)) for code in range(0x110000)) == 82
