"""GS1 identification, framework-free: check digits and identification keys (GTIN, GLN, SSCC), the
application identifiers and their rules, Digital Link URIs, EPC URNs.

May import: the standard library and ``labels.errors``; nothing of SQLAlchemy, Flask or ``models``.
The scanner uses these modules without the server.
"""
