"""The transparency log: inclusion-proof latency on a large log, and ``ecoreg audit`` throughput.

Goals (issue 4): an inclusion proof for a log of 1,000,000 leaves has a median under 2 ms;
``ecoreg audit`` (``labels.integrity.audit.audit``) over 1,000,000 leaves runs in under 2 minutes.

1. Proofs. A fresh log of ``--n`` leaves is built with ``labels.trust.tlog.append``, ``--batch`` leaves a
   transaction (``--leaves raw``: 64 random bytes a leaf; ``--leaves signed``: real signed records
   through ``Notary.record``). ``--build bulk`` builds the same raw tree without ``tlog.append``:
   nodes computed in memory by ``labels.trust.merkle.appended_nodes`` and inserted in bulk, the quick way to
   a 1M-leaf tree. Then ``--proofs`` random ``labels.trust.tlog.inclusion`` calls against the full tree size
   are timed one by one (median, p99), next to a baseline in the same session: fetching one
   ``log_nodes`` row by primary key.
2. Audit. ``labels.integrity.audit.audit`` runs over a log of real signed records (it re-verifies each
   signature, so raw leaves will not do): the proof log itself with ``--leaves signed``, otherwise a
   second fresh log of ``--audit-n`` records (a checkpoint every ``--checkpoint-every``; with
   ``--build bulk`` logged through ``Notary.record_many``, the quick way to 1M records). ``--jobs``
   processes verify the signatures, as ``ecoreg audit --jobs``. Its rate is printed next to a bare
   Ed25519 verify loop on one core, with the linear extrapolation to 1,000,000 leaves, and so is its
   CPU time (all its processes) per record against the loop's: the ratio that load does not move.

    .venv/bin/python bench/bench_log.py                                 # default sizes, about 2 min
    .venv/bin/python bench/bench_log.py --n 1000000 --build bulk        # proofs at the issue's size
    .venv/bin/python bench/bench_log.py --n 100 --build bulk --audit-n 1000000   # audit, issue's size
    .venv/bin/python bench/bench_log.py --n 1000000 --leaves signed     # one signed 1M log for both
    .venv/bin/python bench/bench_log.py --profile --jobs 1              # + where audit's time goes
    .venv/bin/python bench/bench_log.py --database-url postgresql+psycopg://...   # a scratch PostgreSQL

The database is a temporary SQLite file unless ``--database-url`` names a scratch PostgreSQL
database (its ``public`` schema is dropped). Prints times and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import resource
import time

from _harness import (
    Timer,
    database_label,
    fresh_registry,
    header,
    label_like_document,
    median,
    now,
    percentile,
)

PROOF_GOAL_MS = 2.0
AUDIT_GOAL_S = 120.0
MILLION = 1_000_000


def build_raw(db, n: int, batch: int) -> float:
    from labels.trust import tlog

    with Timer() as timer:
        for start in range(0, n, batch):
            with db.new_session() as session:
                for serial in range(start, min(n, start + batch)):
                    tlog.append(session, serial.to_bytes(8, "big") + os.urandom(56))
                session.commit()
    return timer.seconds


def build_bulk(db, n: int, batch: int) -> float:
    """The same tree as ``build_raw``, its nodes computed in memory and inserted in bulk: a way to a
    1M-leaf tree that does not depend on the speed of ``tlog.append`` (the proofs are what is timed)."""
    from sqlalchemy import insert, update

    from labels.trust import merkle
    from models import LogNode, LogState

    latest: dict[int, bytes] = {}
    with Timer() as timer:
        for start in range(0, n, batch):
            rows = []
            for serial in range(start, min(n, start + batch)):
                digest = merkle.leaf_hash(serial.to_bytes(8, "big") + os.urandom(56))
                for (level, index), value in merkle.appended_nodes(serial, digest, lambda lv, ix: latest[lv]):
                    latest[level] = value
                    rows.append({"level": level, "index": index, "hash": value})
            with db.new_session() as session:
                session.execute(insert(LogNode), rows)
                session.execute(update(LogState).where(LogState.id == 1).values(size=min(n, start + batch)))
                session.commit()
    return timer.seconds


def build_signed(db, notary, n: int, batch: int, checkpoint_every: int) -> float:
    with Timer() as timer:
        for start in range(0, n, batch):
            with db.new_session() as session:
                for serial in range(start, min(n, start + batch)):
                    notary.record(
                        session, "bench-record", f"BENCH-{serial}", label_like_document(notary, serial), now()
                    )
                    if (serial + 1) % checkpoint_every == 0:
                        notary.checkpoint(session)
                notary.checkpoint(session)
                session.commit()
    return timer.seconds


def build_signed_bulk(db, notary, n: int, checkpoint_every: int) -> float:
    """The same records as ``build_signed``, through ``Notary.record_many``: the quick way to a 1M-record
    log for the audit (its rate is not what is timed)."""
    with Timer() as timer:
        for start in range(0, n, checkpoint_every):
            with db.new_session() as session:
                items = [
                    (f"BENCH-{serial}", label_like_document(notary, serial))
                    for serial in range(start, min(n, start + checkpoint_every))
                ]
                notary.record_many(session, "bench-record", items, now())
                notary.checkpoint(session)
                session.commit()
    return timer.seconds


def time_proofs(db, n: int, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``count`` random inclusion proofs, and of as many primary-key row fetches."""
    from labels.trust import merkle, tlog
    from models import LogNode

    rng = random.Random(4)
    indexes = [rng.randrange(n) for _ in range(count)]
    proofs, baseline = [], []
    with db.new_session() as session:
        root = tlog.root(session, n)
        for index in indexes[:20]:  # the proofs are right, or timing them means nothing
            proof = tlog.inclusion(session, index, n)
            merkle.verify_inclusion(proof["leaf_hash"], index, n, proof["hashes"], root)
        for index in indexes:
            with Timer() as timer:
                tlog.inclusion(session, index, n)
            proofs.append(timer.seconds * 1000)
        for index in indexes:
            with Timer() as timer:
                session.get(LogNode, (0, index))
            baseline.append(timer.seconds * 1000)
            session.expunge_all()  # fetch from the database each time, not the identity map
        session.rollback()
    return proofs, baseline


def bare_verify_rate(count: int) -> tuple[float, float]:
    """Verifications a second on one core, by the clock and by the CPU time this process used."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    message = os.urandom(64)
    signature, public = key.sign(message), key.public_key()
    cpu = time.process_time()
    with Timer() as timer:
        for _ in range(count):
            public.verify(signature, message)
    return count / timer.seconds, count / (time.process_time() - cpu)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the audit's pool, once shut down)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_audit(db, profile: bool, jobs: int):
    from labels.integrity.audit import audit

    profiler = cProfile.Profile() if profile else None
    with db.new_session() as session:
        if profiler:
            profiler.enable()
        cpu = cpu_seconds()
        with Timer() as timer:
            report = audit(session, jobs=jobs)
        cpu = cpu_seconds() - cpu
        if profiler:
            profiler.disable()
        session.rollback()
    return report, timer.seconds, cpu, profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="leaves in the proof log (issue: 1000000)")
    parser.add_argument(
        "--leaves", choices=("raw", "signed"), default="raw", help="what the proof log's leaves are"
    )
    parser.add_argument(
        "--build",
        choices=("append", "bulk"),
        default="append",
        help="raw leaves: through labels.trust.tlog.append, or nodes computed in memory and bulk-inserted",
    )
    parser.add_argument(
        "--audit-n",
        type=int,
        default=10_000,
        help="signed records for the audit when --leaves raw (issue: 1000000)",
    )
    parser.add_argument("--proofs", type=int, default=1000, help="inclusion proofs to time")
    parser.add_argument("--batch", type=int, default=10_000, help="leaves per transaction when building")
    parser.add_argument(
        "--checkpoint-every", type=int, default=1000, help="signed records per checkpoint (issuing: 1)"
    )
    parser.add_argument(
        "--database-url", help="a scratch PostgreSQL database (its public schema is dropped); default: SQLite"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes verifying the audit's signatures (ecoreg audit --jobs; default: the CPUs)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print audit's top functions (cProfile; this process only, so best with --jobs 1)",
    )
    args = parser.parse_args()

    how = f"built with {args.build}" if args.leaves == "raw" else "through Notary.record"
    header(f"bench_log: {args.n} {args.leaves} leaves for proofs, {how}")
    print(f"database: {database_label(args.database_url)}")
    with fresh_registry(args.database_url) as (app, db):
        notary = app.extensions["notary"]
        if args.leaves == "raw" and args.build == "bulk":
            built = build_bulk(db, args.n, args.batch)
        elif args.leaves == "raw":
            built = build_raw(db, args.n, args.batch)
        else:
            built = build_signed(db, notary, args.n, min(args.batch, 1000), args.checkpoint_every)
        print(f"built {args.n} leaves in {built:.1f} s ({args.n / built:,.0f} leaves/s)")
        proofs, baseline = time_proofs(db, args.n, args.proofs)
        proof_median, proof_p99 = median(proofs), percentile(proofs, 0.99)
        base_median = median(baseline)
        verdict = "met" if proof_median < PROOF_GOAL_MS else "MISSED"
        print(
            f"inclusion proof, tree of {args.n}: median {proof_median:.3f} ms, p99 {proof_p99:.3f} ms "
            f"(goal: median < {PROOF_GOAL_MS} ms at 1M: {verdict} at this size)"
        )
        print(
            f"baseline, one log_nodes row by primary key: median {base_median:.3f} ms; "
            f"ratio proof/row {proof_median / base_median:.1f}"
        )
        if args.leaves == "signed":
            audit_n, audit_db = args.n, db
            report, seconds, cpu, profiler = run_audit(audit_db, args.profile, args.jobs)
    if args.leaves == "raw":
        audit_n = args.audit_n
        with fresh_registry(args.database_url) as (app, db):
            notary = app.extensions["notary"]
            if args.build == "bulk":
                built = build_signed_bulk(db, notary, audit_n, args.checkpoint_every)
            else:
                built = build_signed(db, notary, audit_n, 1000, args.checkpoint_every)
            print(f"built {audit_n} signed records for the audit in {built:.1f} s ({audit_n / built:,.0f}/s)")
            report, seconds, cpu, profiler = run_audit(db, args.profile, args.jobs)

    rate = report.records / seconds
    bare, bare_cpu = bare_verify_rate(20_000)
    million = MILLION / rate
    verdict = "met" if million < AUDIT_GOAL_S else "MISSED"
    print(
        f"audit, {args.jobs} job(s): {report.records} records, {report.checkpoints} checkpoints in "
        f"{seconds:.1f} s = {rate:,.0f} records/s; findings: {len(report.findings)}"
    )
    print(f"bare Ed25519 verify, one core: {bare:,.0f}/s; ratio audit/bare verify {rate / bare:.3f}")
    print(
        f"CPU time (all processes): {cpu:.1f} s = {report.records / cpu:,.0f} records per CPU-second; "
        f"bare verify {bare_cpu:,.0f} per CPU-second; ratio {report.records / cpu / bare_cpu:.3f}"
    )
    print(
        f"audit extrapolated to 1,000,000 leaves: {million:.0f} s "
        f"(goal < {AUDIT_GOAL_S:.0f} s: {verdict}; linear extrapolation from {report.records})"
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()
