"""POST /api/v1/verify with 1,000 codes: the server's time for the whole batch (issue 6 goal: under 1 s).

On a fresh SQLite registry with the demo data, 800 serials are issued in a lot of the demo's LED bulb
(with their signed claims). A batch mixes 700 of those codes, 100 of them tampered (forged), 150
product GTINs and 50 lines of text that are no code. The request goes through the Flask app in
process (no network), so the time is the server's. Prints the median of the runs and the ratio to
the goal; asserts nothing.

    .venv/bin/python bench/bench_verify.py [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics

from _harness import Timer, fresh_registry, header

GOAL_SECONDS = 1.0


def codes(app, db) -> list[str]:
    from sqlalchemy import select

    from labels.codes.lots import code_uri, create_lot, submit_serials
    from labels.demo.seed import seed
    from labels.gs1.identifiers import make_gtin
    from labels.registry.permissions import SYSTEM
    from labels.trust.notary import notary_of
    from models import Product, Serial

    bulb = make_gtin("89360019", 1)
    with db.new_session() as session:
        seed(session)
        session.flush()
        lot = create_lot(session, SYSTEM, bulb, "BENCH1", quantity=800)
        submit_serials(session, SYSTEM, lot.id, 800, "bench", at_once=True)
        session.commit()
        base = notary_of(session).base_url
        serials = session.scalars(select(Serial).where(Serial.lot_id == lot.id))
        uris = [code_uri(base, lot.product, lot, serial) for serial in serials]
        gtins = list(session.scalars(select(Product.gtin)))
    rng = random.Random(7)
    genuine = rng.sample(uris, 700)
    forged = [uri[:-1] + ("A" if uri[-1] != "A" else "B") for uri in rng.sample(uris, 100)]
    batch = genuine + forged + [rng.choice(gtins) for _ in range(150)]
    batch += [f"not a code {i}" for i in range(50)]
    rng.shuffle(batch)
    return batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    header("bench_verify: POST /api/v1/verify with 1,000 codes")
    with fresh_registry() as (app, db):
        app.config["VERIFY_RATE_LIMIT"] = "1000000 per minute"
        app.config["SCAN_FLUSH_SECONDS"] = 60  # the scan log is stored off the request path, as deployed
        batch = codes(app, db)
        client = app.test_client()
        seconds = []
        for _ in range(args.runs):
            with Timer() as timer:
                response = client.post("/api/v1/verify", json={"codes": batch})
            assert response.status_code == 200, response.get_json()
            seconds.append(timer.seconds)
        summary = response.get_json()["summary"]
        from app import scan_log

        with app.app_context():
            scan_log.flush()  # while the scratch database still exists
    median = statistics.median(seconds)
    print(f"verdicts: {summary}")
    fastest = min(seconds) * 1000
    print(f"1,000 codes: median {median * 1000:.0f} ms over {args.runs} runs (fastest {fastest:.0f} ms)")
    verdict = "met" if median < GOAL_SECONDS else "MISSED"
    print(f"ratio median/goal: {median / GOAL_SECONDS:.2f}  (goal: under {GOAL_SECONDS:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
