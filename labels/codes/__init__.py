"""The codes on products and what a scan of them means: compact signed QR claims and QR rendering
(framework-free, shared with the scanner), lots and serials, label artwork and print sheets, and the
resolver's verdict on a scanned Digital Link with its words in both languages.

May import: ``labels.certification``, ``labels.trust``, ``labels.registry``, ``labels.common``,
``labels.gs1``, ``labels.errors``, ``models``. ``qrclaim``, ``qr`` and ``verdicts`` import neither
SQLAlchemy, Flask nor ``models``.
"""
