"""Who is told when a label changes: retailers' watchlists, the notices a status change writes in its
own transaction (an outbox), and their signed Standard Webhooks deliveries.

May import: ``labels.trust``, ``labels.registry``, ``labels.common``, ``labels.errors``, ``models``.
Below ``labels.certification``, whose status changes write the notices.
"""
