"""GS1 EPCIS 2.0 traceability: documents checked against GS1's schema, event hash IDs, capture with
signed receipts, the query interface and saved queries, journeys rebuilt from events, and the
spreadsheet import for small enterprises.

May import: ``labels.trust``, ``labels.registry``, ``labels.common``, ``labels.gs1``,
``labels.errors``, ``models``; not ``labels.codes`` or ``labels.certification``.
"""
