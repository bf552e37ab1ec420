"""The registry's tenants and what they hold: accounts, organisations, products and their bulk import,
API tokens, who may do what (``permissions``), the append-only audit trail, tax codes and the province's
reference lists (districts, sectors).

May import: ``labels.common``, ``labels.gs1``, ``labels.errors``, ``models``. Every other room of
``labels`` may import this one.
"""
