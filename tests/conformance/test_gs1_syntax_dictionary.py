"""Our Application Identifier table against the GS1 Barcode Syntax Dictionary, read from its file.

Each row of ``labels.gs1.application_identifiers.AIS`` must copy the dictionary's specification (format,
check digit and other linters), its title, its data-attribute flag (``?``) and its Digital Link primary
key rule (``dlpkey``: which qualifiers, in which order). The resolver link sets of GS1's reference
resolver must read as canonical Digital Link paths.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from labels.gs1.application_identifiers import _LINTERS, AIS, check_value
from labels.gs1.digital_link import parse_digital_link

_SPEC_COMPONENT = re.compile(r"\[?[NXYZ](\.\.)?\d+\]?(,\w+)*\]?")


@dataclass(frozen=True)
class Entry:
    title: str
    flags: str
    spec: str
    attributes: tuple[str, ...]

    def dlpkey(self) -> tuple[tuple[str, ...], ...] | None:
        for attribute in self.attributes:
            if attribute == "dlpkey":
                return ((),)
            if attribute.startswith("dlpkey="):
                alternatives = attribute.removeprefix("dlpkey=").split("|")
                return tuple(tuple(alternative.split(",")) for alternative in alternatives)
        return None


def read_dictionary(text: str) -> dict[str, Entry]:
    """``AIs [Flags] Specification [Attributes...] [# Title]``, one AI or a range per line."""
    entries = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        body, _, title = line.partition("#")
        ais, *tokens = body.split()
        flags = tokens.pop(0) if tokens and not _SPEC_COMPONENT.fullmatch(tokens[0]) else ""
        spec = []
        while tokens and _SPEC_COMPONENT.fullmatch(tokens[0]):
            spec.append(tokens.pop(0))
        first, _, last = ais.partition("-")
        for number in range(int(first), int(last or first) + 1):
            ai = str(number).zfill(len(first))
            entries[ai] = Entry(title.strip(), flags, " ".join(spec), tuple(tokens))
    return entries


@pytest.fixture(scope="module")
def dictionary(shared_testdata):
    return read_dictionary((shared_testdata / "gs1" / "gs1-syntax-dictionary.txt").read_text("utf-8"))


def test_the_dictionary_reader_understands_the_file(dictionary):
    assert len(dictionary) > 500
    assert dictionary["01"] == Entry("GTIN", "*?", "N14,csum,gcppos2", ("ex=255,37", "dlpkey=22,10,21|235"))
    assert dictionary["3103"].spec == "N6"
    assert dictionary["8003"].spec == "N1,zero N13,csum,gcppos1 [X..16]"
    assert dictionary["7007"].spec == "N6,yymmdd [N6],yymmdd"
    assert all(entry.spec for entry in dictionary.values())  # 8110 and 8112 have no title


@pytest.mark.parametrize("ai", sorted(AIS))
def test_our_row_matches_the_dictionary(dictionary, ai):
    ours, theirs = AIS[ai], dictionary[ai]
    assert ours.spec == theirs.spec, "format and linters (csum = check digit)"
    assert ("csum" in ours.spec) == ("csum" in theirs.spec)
    assert ours.title == theirs.title
    assert ours.data_attribute == ("?" in theirs.flags)
    assert ours.qualifier_sequences == theirs.dlpkey()


@pytest.mark.parametrize("ai", sorted(ai for ai, row in AIS.items() if row.is_primary_key))
def test_every_qualifier_of_our_primary_keys_is_in_our_table(ai):
    assert AIS[ai].qualifiers <= AIS.keys()


def test_every_linter_our_table_names_is_implemented():
    named = {linter for row in AIS.values() for part in row.spec.split() for linter in part.split(",")[1:]}
    assert named <= _LINTERS.keys()


@pytest.mark.parametrize(
    ("ai", "value"),
    [
        ("00", "106141412345678908"),
        ("01", "08936001100017"),
        ("02", "00614141123452"),
        ("10", "L2026-0415"),
        ("17", "261231"),
        ("21", "!\"%&'()*+,-./:;<=>?_"),
        ("235", "x" * 28),
        ("30", "12345678"),
        ("3103", "000195"),
        ("414", "0614141123452"),
        ("7040", "1A-_"),
    ],
)
def test_a_well_formed_value_passes_its_ais_format(ai, value):
    assert check_value(ai, value) == value


def test_the_reference_resolvers_anchors_are_canonical_digital_link_paths(shared_testdata):
    link_sets = []
    for path in sorted((shared_testdata / "gs1" / "resolver").glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        link_sets += document if isinstance(document, list) else [document]
    assert link_sets
    for link_set in link_sets:
        link = parse_digital_link(f"https://id.gs1.org{link_set['anchor']}")
        assert link.path() == link_set["anchor"]
        for qualifier in link_set.get("qualifiers", []):
            assert qualifier.keys() <= AIS[link.primary_ai].qualifiers
