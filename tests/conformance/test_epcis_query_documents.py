"""The reference EPCIS 2.0 query documents (``../shared/testdata/epcis/queries``): the valid one is read
into a query that runs; each invalid one is refused naming every bad parameter."""

from __future__ import annotations

import json

import pytest

from labels.errors import InvalidQuery
from labels.registry.permissions import ANONYMOUS
from labels.traceability.query import parse_document, run
from tests.conformance.test_epcis_capture_vectors import SHARED_TESTDATA

QUERIES = SHARED_TESTDATA / "epcis" / "queries"
EXPECTED = {
    "Query_with_invalid_values.json": {
        ("GE_eventTime", "format"),
        ("EQ_action", "enum"),
        ("orderDirection", "enum"),
    },
    "Query_with_unknown_parameter.json": {("GE_eventDate", "unknown-parameter")},
}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_simple_event_query_document_reads_and_runs(session):
    query = parse_document(load(QUERIES / "SimpleEventQuery.json"))
    assert (query.order_by, query.descending, query.count_limit) == ("eventTime", True, 100)
    assert run(session, ANONYMOUS, query).events == []  # nothing captured matches; the SQL runs


@pytest.mark.parametrize("name", sorted(p.name for p in (QUERIES / "Invalid").glob("*.json")))
def test_each_invalid_query_document_is_refused_naming_its_parameters(name):
    with pytest.raises(InvalidQuery) as refused:
        parse_document(load(QUERIES / "Invalid" / name))
    assert {(issue.field, issue.rule) for issue in refused.value.issues} == EXPECTED[name]


def test_every_query_document_is_covered():
    assert {p.name for p in (QUERIES / "Invalid").glob("*.json")} == set(EXPECTED)
    assert [p.name for p in QUERIES.glob("*.json")] == ["SimpleEventQuery.json"]
