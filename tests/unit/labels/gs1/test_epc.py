import pytest
from hypothesis import given
from hypothesis import strategies as st

from labels.gs1.digital_link import DigitalLink, parse_digital_link
from labels.gs1.epc import (
    canonical_id,
    digital_link_to_epc_urn,
    epc_urn_to_digital_link,
    gs1_company_prefix_length,
    identity_key,
    registered_prefix_lengths,
)
from labels.gs1.identifiers import InvalidEpcUrn, InvalidIdentifier, make_gtin

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
SHIRT = make_gtin("89360011", 3)  # demo: men's organic cotton shirt, prefix 89360011 (8 digits)
FILLET = make_gtin("89360018", 1)  # demo: frozen pangasius fillet, prefix 89360018


# EPC Tag Data Standard and GS1 Digital Link worked examples: (URN, Digital Link path)
TDS_EXAMPLES = [
    ("urn:epc:id:sgtin:0614141.812345.6789", "/01/80614141123458/21/6789"),
    ("urn:epc:id:sgtin:0614141.812345.400", "/01/80614141123458/21/400"),
    ("urn:epc:id:sgtin:0614141.112345.400", "/01/10614141123459/21/400"),
    ("urn:epc:class:lgtin:4012345.012345.998877", "/01/04012345123456/10/998877"),
    ("urn:epc:idpat:sgtin:0614141.812345.*", "/01/80614141123458"),
    ("urn:epc:id:sscc:0614141.1234567890", "/00/106141412345678908"),
    ("urn:epc:id:sgln:0614141.12345.400", "/414/0614141123452/254/400"),
    ("urn:epc:id:sgln:0614141.12345.0", "/414/0614141123452"),
]


@pytest.mark.parametrize(("urn", "path"), TDS_EXAMPLES)
def test_standard_examples_convert_both_ways(urn, path):
    link = epc_urn_to_digital_link(urn)
    assert link.canonical() == f"https://id.gs1.org{path}"
    assert digital_link_to_epc_urn(f"https://id.gs1.org{path}") == urn
    assert digital_link_to_epc_urn(link) == urn


@pytest.mark.parametrize(("urn", "path"), TDS_EXAMPLES)
def test_a_urn_and_its_digital_link_meet_on_one_canonical_id(urn, path):
    assert canonical_id(urn) == canonical_id(f"https://example.com/some/prefix{path}") == path


def test_demo_products_under_vietnamese_prefixes_convert_with_the_prefix_length_given():
    link = DigitalLink("01", SHIRT, (("10", "L2026-0415"), ("21", "A1B2C3")))
    assert digital_link_to_epc_urn(link, 8) == "urn:epc:id:sgtin:89360011.00003.A1B2C3"
    assert digital_link_to_epc_urn(link) == "urn:epc:id:sgtin:8936001.010003.A1B2C3"  # default 7
    lot = DigitalLink("01", FILLET, (("10", "CT-2026-07"),))
    assert digital_link_to_epc_urn(lot, 8) == "urn:epc:class:lgtin:89360018.00001.CT-2026-07"
    assert epc_urn_to_digital_link("urn:epc:class:lgtin:89360018.00001.CT-2026-07") == lot


def test_a_urn_split_at_the_wrong_prefix_length_still_names_the_same_item():
    right = "urn:epc:id:sgtin:89360011.00003.A1B2C3"
    wrong = "urn:epc:id:sgtin:8936001.010003.A1B2C3"
    assert canonical_id(right) == canonical_id(wrong) == f"/01/{SHIRT}/21/A1B2C3"


def test_the_registrys_own_prefixes_give_the_split():
    lookup = registered_prefix_lengths(["89360011", "893600199", "89360018"], fallback=7)
    assert lookup(SHIRT[1:]) == 8
    assert lookup("8936001991234") == 9  # the longest registered prefix wins
    assert lookup("0614141123452") == 7
    item = parse_digital_link(f"https://id.gs1.org/01/{FILLET}/21/S1")
    assert digital_link_to_epc_urn(item, lookup) == "urn:epc:id:sgtin:89360018.00001.S1"


def test_gs1s_published_prefix_table_gives_the_split():
    assert gs1_company_prefix_length("0614141123452") == 7
    assert gs1_company_prefix_length("8935049500018") == 8
    item = "https://id.gs1.org/01/80614141123458/21/400"
    assert digital_link_to_epc_urn(item, gs1_company_prefix_length) == "urn:epc:id:sgtin:0614141.812345.400"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f"https://qr.ecoreg.dongnai.vn/01/{SHIRT}/10/L1/21/A1", f"/01/{SHIRT}/21/A1"),
        (f"https://id.gs1.org/01/{SHIRT}/22/V1/10/L1/21/A1?17=261231", f"/01/{SHIRT}/21/A1"),
        ("urn:epc:id:sgtin:89360011.00003.A1", f"/01/{SHIRT}/21/A1"),
        (f"https://id.gs1.org/01/{SHIRT}/22/V1/10/L1", f"/01/{SHIRT}/10/L1"),
        ("urn:epc:class:lgtin:89360011.00003.L1", f"/01/{SHIRT}/10/L1"),
        (f"https://id.gs1.org/01/{SHIRT}/22/V1", f"/01/{SHIRT}/22/V1"),
        (f"https://id.gs1.org/01/{SHIRT}/235/T1", f"/01/{SHIRT}/235/T1"),
        (SHIRT, f"/01/{SHIRT}"),
        (SHIRT[1:], f"/01/{SHIRT}"),  # the GTIN-13 printed under the barcode
        ("urn:epc:idpat:sgtin:89360011.00003.*", f"/01/{SHIRT}"),
        (f"http://id.gs1.org/01/{SHIRT[1:]}?linkType=gs1:pip", f"/01/{SHIRT}"),
        ("  urn:epc:id:sscc:0614141.1234567890\n", "/00/106141412345678908"),
    ],
)
def test_every_spelling_of_an_item_lot_or_product_has_one_canonical_id(text, key):
    assert canonical_id(text) == key


def test_identity_key_keeps_gln_extensions():
    assert identity_key(parse_digital_link("https://x.vn/414/0614141123452/254/A%2F1")) == (
        "/414/0614141123452/254/A%2F1"
    )


@pytest.mark.parametrize("char", list('"%&/<>?'))
def test_the_seven_escaped_characters_are_written_as_escapes_and_read_back(char):
    serial = f"A{char}1"
    urn = digital_link_to_epc_urn(DigitalLink("01", "80614141123458", (("21", serial),)))
    assert urn == f"urn:epc:id:sgtin:0614141.812345.A%{ord(char):02X}1"
    assert epc_urn_to_digital_link(urn).qualifier("21") == serial


def test_other_characters_of_set_82_are_written_as_they_are():
    serial = "!'()*+,-.:;=_aZ9"
    urn = digital_link_to_epc_urn(DigitalLink("01", "80614141123458", (("21", serial),)))
    assert urn == f"urn:epc:id:sgtin:0614141.812345.{serial}"
    assert epc_urn_to_digital_link(urn).qualifier("21") == serial


def test_a_needless_escape_is_read_and_written_plainly():
    assert epc_urn_to_digital_link("urn:epc:id:sgtin:0614141.812345.A%21b%2f").qualifier("21") == "A!b/"
    assert canonical_id("urn:epc:id:sgtin:0614141.812345.A%21b%2f") == canonical_id(
        "urn:epc:id:sgtin:0614141.812345.A!b%2F"
    )


@given(st.text(alphabet=CSET82, min_size=1, max_size=20))
def test_any_serial_lot_or_extension_round_trips_through_urn_and_digital_link(value):
    for ai in ("21", "10"):
        urn = digital_link_to_epc_urn(DigitalLink("01", FILLET, ((ai, value),)), 8)
        assert digital_link_to_epc_urn(epc_urn_to_digital_link(urn), 8) == urn
        assert epc_urn_to_digital_link(urn).qualifier(ai) == value
    if value != "0":
        urn = digital_link_to_epc_urn(DigitalLink("414", "0614141123452", (("254", value),)))
        assert epc_urn_to_digital_link(urn).qualifier("254") == value


@pytest.mark.parametrize(
    ("urn", "rule"),
    [
        ("urn:epc:id:grai:0614141.12345.400", "scheme"),
        ("urn:epc:id:SGTIN:0614141.812345.400", "scheme"),
        ("urn:epc:id:sgtin:0614141.812345", "syntax"),
        ("urn:epc:id:sgtin:0614141.812345.", "syntax"),
        ("urn:epc:id:sgtin:06141.8123456.400", "company-prefix"),  # 5 digits
        ("urn:epc:id:sgtin:0614141.81234.400", "length"),  # 12 digits in all
        ("urn:epc:id:sgtin:0614141.81234X.400", "digits"),
        ('urn:epc:id:sgtin:0614141.812345.A"B', "escape"),  # must be %22
        ("urn:epc:id:sgtin:0614141.812345.A/B", "escape"),
        ("urn:epc:id:sgtin:0614141.812345.A%2", "escape"),
        ("urn:epc:id:sgtin:0614141.812345.A%23", "charset"),  # "#"
        ("urn:epc:id:sgtin:0614141.812345.A%C3%94", "charset"),
        ("urn:epc:id:sgtin:0614141.812345." + "9" * 21, "length"),
        ("urn:epc:class:lgtin:0614141.812345." + "9" * 21, "length"),
        ("urn:epc:idpat:sgtin:0614141.*.*", "pattern"),
        ("urn:epc:idpat:sgtin:0614141.812345.400", "pattern"),
        ("urn:epc:id:sscc:0614141.123456789", "length"),
        ("urn:epc:id:sgln:0614141.1234.400", "length"),
    ],
)
def test_bad_urns_name_the_rule_they_break(urn, rule):
    with pytest.raises(InvalidEpcUrn) as caught:
        epc_urn_to_digital_link(urn)
    assert caught.value.rule == rule


def test_a_urn_serial_may_hold_dots_and_colons():
    link = epc_urn_to_digital_link("urn:epc:id:sgtin:0614141.812345.a.b:c")
    assert link.qualifier("21") == "a.b:c"
    assert digital_link_to_epc_urn(link) == "urn:epc:id:sgtin:0614141.812345.a.b:c"


def test_a_twelve_digit_company_prefix_leaves_an_empty_location_reference():
    urn = digital_link_to_epc_urn("https://id.gs1.org/414/0614141123452/254/7", 12)
    assert urn == "urn:epc:id:sgln:061414112345..7"
    assert epc_urn_to_digital_link(urn).primary == "0614141123452"


@pytest.mark.parametrize(
    ("uri", "rule"),
    [
        ("https://id.gs1.org/01/80614141123458/22/V1", "no-epc-equivalent"),
        ("https://id.gs1.org/01/80614141123458/235/T1", "no-epc-equivalent"),
        ("https://id.gs1.org/414/0614141123452/7040/1A2B", "no-epc-equivalent"),
        ("https://id.gs1.org/414/0614141123452/254/0", "reserved-extension"),
    ],
)
def test_links_without_an_epc_urn_say_so(uri, rule):
    with pytest.raises(InvalidEpcUrn) as caught:
        digital_link_to_epc_urn(uri)
    assert caught.value.rule == rule


@pytest.mark.parametrize("length", [5, 13])
def test_a_company_prefix_length_outside_6_to_12_is_refused(length):
    with pytest.raises(InvalidEpcUrn) as caught:
        digital_link_to_epc_urn("https://id.gs1.org/00/106141412345678908", lambda digits: length)
    assert caught.value.rule == "company-prefix"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("hello", "unrecognised"),
        ("", "unrecognised"),
        ("0614141123453", "check-digit"),
        ("06141411234", "length"),
        ("urn:epc:id:gid:95100000.12345.400", "scheme"),
        ("https://id.gs1.org/01/80614141123458/21/S%201", "charset"),
    ],
)
def test_canonical_id_refuses_what_names_no_item(text, rule):
    with pytest.raises(InvalidIdentifier) as caught:
        canonical_id(text)
    assert caught.value.rule == rule
