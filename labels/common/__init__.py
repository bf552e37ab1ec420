"""Small helpers every room shares: paging of queries, reading CSV and Excel rows, turning schema
messages into field issues, and counters that never repeat a number.

May import: ``labels.gs1``, ``labels.errors``, ``models``; nothing else of ``labels``.
"""
