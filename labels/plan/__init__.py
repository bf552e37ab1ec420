"""The action plan 202/KH-UBND and any later one: its targets and annex tasks with their lead agencies,
the agencies' yearly reports and their review, the register of model projects, and the indicators
computed from the registry and the reports for the province's dashboard.

May import: ``labels.certification`` and every room below it; not ``labels.retail``, ``labels.codes`` or
``labels.traceability`` (it reads their tables through ``models`` only), nor ``labels.integrity``.
"""
