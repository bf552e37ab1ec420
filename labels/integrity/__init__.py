"""``ecoreg audit``: everything the registry signed and logged, verified again from the stored rows,
and every column derived from a signed record compared with it.

May import: every room but ``labels.demo`` and ``labels.retail``; nothing imports it but the app.
"""
