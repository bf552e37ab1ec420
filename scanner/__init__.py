"""The verifier's side of ecoreg, usable without the server: decoding codes and checking them offline.

Nothing of Flask or SQLAlchemy may be imported here. The package fills in with the scanner issue;
until then it is an empty package that fixes the layout and the import rule.
"""
