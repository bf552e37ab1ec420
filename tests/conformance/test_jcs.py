"""RFC 8785 conformance: every input of the reference implementation's vectors canonicalises to its
output, byte for byte (cyberphone/json-canonicalization, read in place from ``shared/testdata/jcs``)."""

import json
from pathlib import Path

import pytest

from labels.trust.canonical import canonical_json

# Listed at import so that each vector is a test of its own; the files are read through the
# ``shared_testdata`` fixture, and the test below checks that both name the same folder.
_JCS_INPUTS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "jcs" / "input"
JCS_CASES = sorted(path.name for path in _JCS_INPUTS.glob("*.json"))


def test_every_jcs_vector_is_collected(shared_testdata):
    on_disk = sorted(path.name for path in (shared_testdata / "jcs" / "input").glob("*.json"))
    assert on_disk, "no JCS vectors found"
    assert on_disk == JCS_CASES


@pytest.mark.parametrize("name", JCS_CASES)
def test_input_canonicalises_to_the_expected_bytes(shared_testdata, name):
    given = json.loads((shared_testdata / "jcs" / "input" / name).read_bytes())
    expected = (shared_testdata / "jcs" / "output" / name).read_bytes()
    assert canonical_json(given) == expected
