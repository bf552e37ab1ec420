"""Reading scanned texts: the fast reading of printed codes gives exactly what labels.codes.qrclaim gives."""

from __future__ import annotations

import json
import string
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from labels.codes.qrclaim import (
    ClaimFields,
    MalformedClaim,
    NotAClaim,
    build_uri,
    canonical_bytes,
    digital_link_path,
    parse_uri,
)
from labels.gs1.identifiers import check_digit
from scanner.codes import _PRINTED, read_code, signed_bytes
from scanner.decode import upc_e_to_upc_a
from tests.unit.scanner.scanner_registry import Registry, key_with_kid

VECTORS = json.loads((Path(__file__).parents[2] / "assets" / "qr-vectors.json").read_text(encoding="utf-8"))
ALL_URIS = [v["uri"] for v in VECTORS["valid"]] + [v["uri"] for v in VECTORS["equivalent"]]
ALL_URIS += [v["uri"] for v in VECTORS["invalid"]]


def reference(text: str):
    """What labels.codes.qrclaim says of ``text``: the parsed tuple, or the class of its refusal."""
    try:
        return parse_uri(text)
    except (MalformedClaim, NotAClaim) as exc:
        return type(exc)


def assert_agrees(text: str) -> None:
    code, expected = read_code(text), reference(text)
    if expected is MalformedClaim:
        assert code.kind == "malformed-claim", (text, code)
    elif expected is NotAClaim:
        assert code.kind in ("link", "broken-link", "gtin", "other"), (text, code)
    else:
        host, path, fields, signature = expected
        assert code.kind == "claim", (text, code)
        assert (code.host, code.path, code.fields, code.signature) == (host, path, fields, signature)
        assert signed_bytes(code.path, signature.kid, fields) == canonical_bytes(path, signature.kid, fields)


@pytest.mark.parametrize("text", ALL_URIS)
def test_every_published_vector_reads_as_labels_qrclaim_reads_it(text):
    assert_agrees(text)


def test_what_the_registry_prints_takes_the_fast_reading():
    printed = [v["uri"] for v in VECTORS["valid"] if "%" not in v["uri"]]
    assert printed and all(_PRINTED.fullmatch(uri) for uri in printed)
    code = read_code(printed[0])
    assert (code.kind, code.gtin, code.host) == ("claim", "09506000134352", "id.ecoreg.example")


def test_kinds_of_text():
    registry = Registry()
    assert read_code(registry.code()).kind == "claim"
    link = read_code("https://id.ecoreg.example/01/9506000134352/21/ABC?linkType=gs1:pip")
    assert (link.kind, link.path, link.gtin, link.serial) == (
        "link",
        "/01/09506000134352/21/ABC",
        "09506000134352",
        "ABC",
    )
    assert read_code("https://id.ecoreg.example/01/09506000134353").kind == "broken-link"
    assert read_code("https://id.ecoreg.example/414/9506000134352").kind == "other"  # a GLN, not a GTIN
    assert read_code("https://example.com/about").kind == "other"
    assert read_code("WIFI:S:ecoreg;T:WPA;P:secret;;").kind == "other"
    assert read_code("4006381333931").gtin == "04006381333931"
    assert read_code("4006381333932").kind == "other"  # wrong check digit
    assert read_code("").kind == "other"


SAFE = string.ascii_letters + string.digits + "-._"
ANY = SAFE + "/%?\"!'()*+,:;<=>"


@st.composite
def scanned_texts(draw):
    """Printed codes and near misses: case, escapes, dots, check digits, trailing parameters."""
    key = key_with_kid()
    body = draw(st.integers(0, 10**13 - 1))
    gtin = f"{body:013d}" + str(check_digit(f"{body:013d}"))
    lot = draw(
        st.one_of(st.none(), st.text(SAFE, min_size=1, max_size=20), st.text(ANY, min_size=1, max_size=8))
    )
    serial = draw(st.one_of(st.none(), st.text(SAFE, min_size=1, max_size=20)))
    fields = ClaimFields(("DN-GRN-2026-000123",), date(2029, 11, 23), (draw(st.integers(0, 10**6)),))
    try:
        uri = build_uri("id.ecoreg.example", digital_link_path(gtin, lot, serial), fields, key)
    except MalformedClaim:
        uri = f"https://id.ecoreg.example/01/{gtin}/10/{lot}?x"
    change = draw(st.sampled_from(["none", "host", "gtin", "tail", "dot", "escape", "claim", "space"]))
    if change == "host":
        uri = uri.replace("id.ecoreg.example", "ID.Ecoreg.example")
    elif change == "gtin":
        uri = uri.replace(gtin, gtin[:13] + str((int(gtin[13]) + 1) % 10))
    elif change == "tail":
        uri += draw(st.sampled_from(["&linkType=gs1:pip", "&17=291231", "&17=2912", "#x", "&"]))
    elif change == "dot":
        uri = uri.replace("/21/", "/21/.", 1) if "/21/" in uri else uri.replace("/01/", "/10/../01/")
    elif change == "escape":
        uri = uri.replace("/01/", "/01/%30", 1).replace(gtin, gtin[1:], 1)
    elif change == "claim":
        position = draw(st.integers(len(uri) - 100, len(uri) - 1))
        uri = uri[:position] + draw(st.sampled_from("aZ9-_.=%")) + uri[position + 1 :]
    elif change == "space":
        uri = f" {uri}\n"
    return uri


@settings(max_examples=400, deadline=None)
@given(scanned_texts())
def test_generated_codes_read_as_labels_qrclaim_reads_them(text):
    assert_agrees(text)


@pytest.mark.parametrize(
    ("upc_e", "upc_a"),
    [
        ("01234565", "012345000065"),  # last digit 5: manufacturer 12345, item 0000 5
        ("04252614", "042100005264"),  # last digit 1: manufacturer 42100, item 00526
        ("01234531", "012300000451"),  # last digit 3
        ("01234543", "012340000053"),  # last digit 4
        ("11234502", "112000003452"),  # last digit 0, number system 1
    ],
)
def test_upc_e_expands_to_upc_a(upc_e, upc_a):
    assert upc_e_to_upc_a(upc_e) == upc_a
    assert check_digit(upc_a[:11]) == int(upc_a[11])
    # zxing-cpp writes the 8 digits and reads the symbol back expanded: an independent opinion.
    symbol = zxingcpp.create_barcode(upc_e, zxingcpp.BarcodeFormat.UPCE)
    [read] = zxingcpp.read_barcodes(np.asarray(symbol.to_image(scale=3)))
    assert read.text.lstrip("0") == upc_a.lstrip("0")
