"""What makes a record checkable by anyone: RFC 8785 canonical JSON, Ed25519 keys and their
encodings, ``eddsa-jcs-2022`` proofs, the RFC 9162 Merkle log and its C2SP checkpoints, Bitstring
status lists (framework-free, shared with the scanner); and on the server side the keyring, the
notary, the stored log, label credentials and the published keys and trust bundle.

May import: ``labels.registry``, ``labels.common``, ``labels.errors``, ``models``. The framework-free
modules (``canonical``, ``keys``, ``signing``, ``signing_errors``, ``merkle``, ``checkpoint``,
``statuslist``) import neither SQLAlchemy, Flask nor ``models``.
"""
