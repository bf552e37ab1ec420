"""What supermarkets and the authority do with codes: bulk verification, green-shelf audits, the scan
log and the counterfeit signals drawn from it.

May import: ``labels.codes`` and every room below it.
"""
