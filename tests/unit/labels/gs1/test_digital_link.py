from datetime import date

import pytest
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from hypothesis import given
from hypothesis import strategies as st

from labels.gs1.application_identifiers import gs1_date
from labels.gs1.digital_link import DigitalLink, parse_digital_link
from labels.gs1.identifiers import InvalidDigitalLink, InvalidIdentifier, make_gtin

REGISTRY = "qr.ecoreg.dongnai.vn"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
YARN = make_gtin("89360011", 1)  # demo: organic cotton yarn, Dệt may Biên Hòa Xanh
FILLET = make_gtin("89360018", 1)  # demo: frozen pangasius fillet, Thủy sản Nhơn Trạch


def refusal(uri: str) -> InvalidDigitalLink:
    with pytest.raises(InvalidDigitalLink) as caught:
        parse_digital_link(uri)
    return caught.value


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        # GS1 Digital Link standard examples (GTIN-12 in the path becomes GTIN-14)
        ("https://id.gs1.org/01/614141123452", "https://id.gs1.org/01/00614141123452"),
        (
            "https://id.gs1.org/01/09520123456788/22/2A/10/ABC123/21/12345",
            "https://id.gs1.org/01/09520123456788/22/2A/10/ABC123/21/12345",
        ),
        ("https://id.gs1.org/01/80614141123458/21/400", "https://id.gs1.org/01/80614141123458/21/400"),
        ("https://id.gs1.org/00/106141412345678908", "https://id.gs1.org/00/106141412345678908"),
        (
            "https://id.gs1.org/414/0614141123452/254/400",
            "https://id.gs1.org/414/0614141123452/254/400",
        ),
    ],
)
def test_standard_examples_parse_and_print_canonically(uri, canonical):
    assert parse_digital_link(uri).canonical() == canonical


def test_a_brand_host_path_prefix_and_query_are_read_and_left_out_of_the_canonical_form():
    link = parse_digital_link(
        "HTTP://Example.COM/products/01/9506000134352/10/LOT1?17=261231&3103=000411&linkType=gs1:pip"
    )
    assert link.primary_ai == "01"
    assert link.primary == "09506000134352"
    assert link.qualifiers == (("10", "LOT1"),)
    assert link.attributes == {"17": "261231", "3103": "000411"}
    assert link.other == (("linkType", "gs1:pip"),)
    assert link.host == "example.com"
    assert link.path() == "/01/09506000134352/10/LOT1"
    assert link.canonical() == "https://example.com/01/09506000134352/10/LOT1"
    assert link.canonical(REGISTRY) == f"https://{REGISTRY}/01/09506000134352/10/LOT1"
    assert (
        link.uri() == "https://example.com/01/09506000134352/10/LOT1?17=261231&3103=000411&linkType=gs1:pip"
    )


def test_a_registry_code_for_a_demo_product_round_trips():
    link = DigitalLink("01", YARN[1:], (("10", "L2026-0415"), ("21", "k7Qx9-Zp2mW4")), host=REGISTRY)
    assert link.primary == "08936001100017"  # the GTIN-13 was given; the link keeps 14 digits
    assert link.canonical() == f"https://{REGISTRY}/01/08936001100017/10/L2026-0415/21/k7Qx9-Zp2mW4"
    assert parse_digital_link(link.uri()) == link
    assert link.qualifier("21") == "k7Qx9-Zp2mW4"
    assert link.qualifier("22") is None


def test_every_character_of_set_82_survives_percent_encoding_in_the_path_and_the_query():
    serial, lot = CSET82[:20], CSET82[20:40]
    sscc = DigitalLink("00", "106141412345678908", attributes={"10": "a/b?c&d=e%f+g"})
    for link in (
        DigitalLink("01", FILLET, (("21", serial),)),
        DigitalLink("01", FILLET, (("10", lot),)),
        sscc,
    ):
        uri = link.uri()
        assert parse_digital_link(uri) == link
        assert uri.count("/") == link.path().count("/") + 2  # an encoded "/" is never a separator
    assert sscc.query() == "10=a%2Fb%3Fc%26d%3De%25f%2Bg"


@given(st.text(alphabet=CSET82, min_size=1, max_size=20), st.text(alphabet=CSET82, min_size=1, max_size=20))
def test_any_lot_and_serial_of_set_82_round_trip(lot, serial):
    link = DigitalLink("01", FILLET, (("10", lot), ("21", serial)), host=REGISTRY)
    assert parse_digital_link(link.uri()) == link


def test_a_percent_encoded_slash_stays_inside_its_value():
    link = parse_digital_link("https://id.gs1.org/01/08936001800016/10/A%2FB/21/C%2fD")
    assert link.qualifiers == (("10", "A/B"), ("21", "C/D"))
    assert link.path() == "/01/08936001800016/10/A%2FB/21/C%2FD"  # escapes come out upper case


@pytest.mark.parametrize(
    ("path", "rule", "field"),
    [
        ("/01/08936001800016/21/S1/10/L1", "qualifier-order", "10"),
        ("/01/08936001800016/10/L1/22/C1", "qualifier-order", "22"),
        ("/01/08936001800016/21/S1/21/S2", "qualifier-order", "21"),
        ("/01/08936001800016/22/C1/235/T1", "qualifier-order", "235"),  # two alternatives mixed
        ("/01/08936001800016/254/E1", "qualifier-not-allowed", "254"),
        ("/00/106141412345678908/21/S1", "qualifier-not-allowed", "21"),
        ("/414/0614141123452/21/S1", "qualifier-not-allowed", "21"),
        ("/414/0614141123452/254/E1/7040/1A2B", "qualifier-order", "7040"),
    ],
)
def test_a_path_takes_only_its_keys_qualifiers_in_their_order(path, rule, field):
    error = refusal(f"https://id.gs1.org{path}")
    assert (error.rule, error.field) == (rule, field)


def test_the_qualifier_alternatives_of_the_dictionary_are_each_accepted():
    assert parse_digital_link("https://id.gs1.org/01/08936001800016/235/TPX-1").qualifier("235") == "TPX-1"
    assert parse_digital_link("https://id.gs1.org/414/0614141123452/7040/1A2B").qualifier("7040") == "1A2B"
    assert parse_digital_link("https://id.gs1.org/01/08936001800016/22/V1/21/S1").path().endswith("/21/S1")


@pytest.mark.parametrize(
    ("uri", "rule", "field"),
    [
        ("https://id.gs1.org/01/08936001800017", "check-digit", "01"),
        ("https://id.gs1.org/01/893600180003", "check-digit", "01"),
        ("https://id.gs1.org/01/0893600180001X", "digits", "01"),
        ("https://id.gs1.org/01/089360018000160", "length", "01"),
        ("https://id.gs1.org/00/106141412345678907", "check-digit", "00"),
        ("https://id.gs1.org/414/0614141123453", "check-digit", "414"),
        ("https://id.gs1.org/414/614141123452", "length", "414"),
        ("https://id.gs1.org/01/08936001800016/10/L%C3%94-1", "charset", "10"),  # "LÔ-1"
        ("https://id.gs1.org/01/08936001800016/21/A%23B", "charset", "21"),  # "#"
        ("https://id.gs1.org/01/08936001800016/10/LOT%201", "charset", "10"),  # a space
        ("https://id.gs1.org/01/08936001800016/21/" + "x" * 21, "length", "21"),
        ("https://id.gs1.org/01/08936001800016/21/A%2", "percent-encoding", "path"),
        ("https://id.gs1.org/01/08936001800016/21/A%GG", "percent-encoding", "path"),
        ("https://id.gs1.org/01/08936001800016/21/%C3%28", "percent-encoding", "path"),
        ("https://id.gs1.org/01/08936001800016?17=261331", "date", "17"),
        ("https://id.gs1.org/01/08936001800016?17=270229", "date", "17"),  # 2027 is no leap year
        ("https://id.gs1.org/01/08936001800016?17=2612", "length", "17"),
        ("https://id.gs1.org/01/08936001800016?3103=0004.5", "digits", "3103"),
        ("https://id.gs1.org/01/08936001800016?21=S1", "qualifier-in-query", "21"),
        ("https://id.gs1.org/01/08936001800016?01=08936001800016", "duplicate-ai", "01"),
        ("https://id.gs1.org/01/08936001800016?17=261231&17=270101", "duplicate-ai", "17"),
        ("https://id.gs1.org/01/08936001800016?254=E1", "attribute-not-allowed", "254"),
        ("https://id.gs1.org/01/08936001800016?9999=1", "unknown-ai", "9999"),
        ("https://id.gs1.org/01/08936001800016?17=26%1", "percent-encoding", "17"),
        ("ftp://id.gs1.org/01/08936001800016", "scheme", "scheme"),
        ("urn:epc:id:sgtin:0614141.812345.400", "scheme", "scheme"),
        ("https:///01/08936001800016", "host", "host"),
        ("https://user@id.gs1.org/01/08936001800016", "host", "host"),
        ("https://id.gs1.org/", "path", "path"),
        ("https://id.gs1.org/01//21/S1", "path", "path"),
        ("https://id.gs1.org/01/08936001800016/", "path", "path"),
        ("https://id.gs1.org/01/08936001800016/21", "primary-key", "path"),
        ("https://id.gs1.org/gtin/08936001800016", "primary-key", "path"),  # no convenience alphas
        ("https://id.gs1.org/8004/0614141ABC", "primary-key", "path"),  # a key we do not support
    ],
)
def test_bad_links_name_the_rule_and_the_field(uri, rule, field):
    error = refusal(uri)
    assert (error.rule, error.field) == (rule, field)
    assert isinstance(error, InvalidIdentifier)
    assert str(error)


def test_the_message_names_the_ai_and_what_it_holds():
    assert str(refusal("https://id.gs1.org/01/08936001800017")) == (
        "(01) GTIN: the check digit should be 6, not 7"
    )


def test_dates_may_end_in_00_for_the_last_day_of_the_month():
    assert parse_digital_link("https://id.gs1.org/01/08936001800016?17=260200").attributes == {"17": "260200"}


def test_a_lot_is_a_data_attribute_of_a_shipping_container():
    link = parse_digital_link("https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123")
    assert link.attributes == {"02": "00614141123452", "10": "ABC123", "37": "25"}
    assert link.canonical() == "https://id.gs1.org/00/106141412345678908"


def test_links_made_directly_are_checked_like_parsed_ones():
    with pytest.raises(InvalidDigitalLink) as caught:
        DigitalLink("01", FILLET, (("21", "S1"), ("10", "L1")))
    assert caught.value.rule == "qualifier-order"
    with pytest.raises(InvalidDigitalLink) as caught:
        DigitalLink("21", "S1")
    assert caught.value.rule == "primary-key"
    with pytest.raises(InvalidDigitalLink) as caught:
        DigitalLink("01", FILLET, host="bad host")
    assert caught.value.rule == "host"
    with pytest.raises(InvalidDigitalLink) as caught:
        DigitalLink("01", FILLET, other=(("17", "261231"),))
    assert caught.value.rule == "unknown-ai"


def test_equal_links_hash_alike_so_they_can_be_set_members():
    one = parse_digital_link(f"https://{REGISTRY}/01/8936001800016/21/S1?17=261231")
    two = DigitalLink("01", FILLET, (("21", "S1"),), {"17": "261231"}, host=REGISTRY)
    assert one == two
    assert len({one, two}) == 1


@pytest.mark.parametrize(
    "link",
    [
        DigitalLink("01", YARN, (("22", "2A"), ("10", "L2026-0415"), ("21", "A/1")), {"17": "261231"}),
        DigitalLink("00", "106141412345678908", attributes={"02": "00614141123452", "37": "25"}),
        DigitalLink("414", "0614141123452", (("254", "400"),)),
    ],
)
def test_biip_reads_our_uris_as_the_same_element_strings(link):
    theirs = GS1DigitalLinkURI.parse(link.uri()).element_strings
    ours = [(link.primary_ai, link.primary), *link.qualifiers, *link.attributes.items()]
    assert sorted((es.ai.ai, es.value) for es in theirs) == sorted(ours)
    assert GS1DigitalLinkURI.parse(link.uri()).as_canonical_uri().split("?")[0] == link.canonical(
        "id.gs1.org"
    )


def test_gs1_dates_take_the_nearest_century_and_00_means_the_months_last_day():
    today = date(2026, 11, 23)
    assert gs1_date("261231", today) == date(2026, 12, 31)
    assert gs1_date("760101", today) == date(2076, 1, 1)  # 50 years ahead: still this century
    assert gs1_date("770101", today) == date(1977, 1, 1)  # 51 years ahead: the past one
    assert gs1_date("280200", today) == date(2028, 2, 29)
    with pytest.raises(InvalidIdentifier) as caught:
        gs1_date("271301", today)
    assert caught.value.rule == "date"
