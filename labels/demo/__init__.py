"""The Đồng Nai demo: organisations and logins, schemes and labels taken through the workflow, and
traceability chains captured through the real path.

May import: any room of ``labels``; nothing of ``labels`` imports it.
"""
