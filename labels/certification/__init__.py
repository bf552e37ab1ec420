"""Labels and how they are earned: kinds, schemes and versioned criteria, claims per kind, applications
with their evidence, the workflow that issues, suspends, reinstates, withdraws and renews, label
numbers, the public catalogue and the PACT export of carbon labels.

May import: ``labels.notices``, ``labels.trust``, ``labels.registry``, ``labels.common``,
``labels.gs1``, ``labels.errors``, ``models``.
"""
