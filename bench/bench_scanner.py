"""The scanner's offline verification rate against a bare Ed25519 verify loop, and its photo decoding time.

Goals (issue 6):

- offline verification of a decoded claim (``scanner.verify_code`` on the text a QR code holds, with a
  trust bundle loaded once) runs at **at least 70 %** of the rate of a bare
  ``Ed25519PublicKey.verify`` loop over the same signatures and signed bytes, in the same run;
- decoding a 1280x720 photo with one code (``scanner.decode_image``) takes a **median under 30 ms**.

1. A fresh SQLite registry (``_harness.fresh_registry``), a labelled product made as the tests make it,
   a lot and ``--n`` serials issued for real through ``labels.codes.lots.issue_serials``, each with its own
   signed claim; the registry's own ``/api/v1/trust-bundle``, accepted against its JWKS as a scanner
   would (pinned), once.
2. Rounds alternate the two loops over the same ``--n`` codes, so that load on the machine hits both
   alike; the rates are the medians over ``--rounds`` (the best round of each is printed too).
3. A photo made as the tests make them (``tests/unit/scanner/scanner_pictures.py``: the serial's PNG
   pasted 210 px wide, rotated, in perspective, with noise) is decoded ``--decodes`` times, from the
   grey-level image in memory and from JPEG bytes (file decoding included); zxing-cpp with its
   defaults (every symbology, inverted codes too) is the baseline.

    .venv/bin/python bench/bench_scanner.py               # 2,000 codes, 15 rounds, 60 decodes
    .venv/bin/python bench/bench_scanner.py --profile     # where the verification time goes

Prints rates, medians and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from datetime import UTC, datetime

from _harness import ROOT, Timer, fresh_registry, header

RATE_GOAL = 0.70
DECODE_GOAL_MS = 30.0


def build(app, db, n: int) -> tuple[list[str], bytes, dict]:
    """``n`` issued codes (their URIs), the registry's trust bundle and its JWKS, as served."""
    from sqlalchemy import select

    from labels.codes.lots import code_uri, create_lot, issue_serials
    from labels.registry.permissions import SYSTEM
    from models import Lot, Serial
    from tests.helpers import make_label, make_org, make_product, make_scheme, make_user

    with app.app_context(), db.new_session() as session:
        certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
        applicant = make_user(session, enterprise, "enterprise")
        product = make_product(session, enterprise, published=True)
        reviewer = make_user(session, certifier, "certifier")
        make_label(session, applicant, make_scheme(session, certifier), [product], reviewer)
        lot = create_lot(session, SYSTEM, product.gtin, "2611A")
        with Timer() as timer:
            issue_serials(session, SYSTEM, lot.id, n, "bench-scanner")
            session.commit()
        serials = session.scalars(select(Serial).where(Serial.lot_id == lot.id)).all()
        lot = session.get(Lot, lot.id)
        base = app.config["PUBLIC_BASE_URL"]
        uris = [code_uri(base, product, lot, serial) for serial in serials]
    print(f"issued {len(uris):,} serials with their claims in {timer.seconds:.1f} s")
    client = app.test_client()
    return uris, client.get("/api/v1/trust-bundle").data, client.get("/.well-known/jwks.json").get_json()


def verification(uris: list[str], bundle, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Rates (codes a second) of the bare loop, of ``verify_code``, and of ``verify_code`` with its
    claim-body cache emptied before every code (as if each came from another product), interleaved."""
    from scanner import verify_code
    from scanner.codes import _claim_body, read_code, signed_bytes

    # The bare loop's inputs, prepared outside the timing: key object, signature, signed bytes.
    pairs = []
    for uri in uris:
        code = read_code(uri)
        key = bundle.claim_keys[code.signature.kid][0].public_key
        pairs.append((key, code.signature.value, signed_bytes(code.path, code.signature.kid, code.fields)))
    now = datetime.now(UTC)
    verdicts = {verify_code(uri, bundle, now).verdict for uri in uris}
    assert verdicts == {"valid"}, verdicts  # a benchmark of wrong answers would be worthless

    bare, ours, cold = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for key, signature, message in pairs:
            key.verify(signature, message)
        bare.append(len(pairs) / (time.perf_counter() - start))
        start = time.perf_counter()
        for uri in uris:
            verify_code(uri, bundle, now)
        ours.append(len(uris) / (time.perf_counter() - start))
        start = time.perf_counter()
        for uri in uris:
            _claim_body.cache_clear()
            verify_code(uri, bundle, now)
        cold.append(len(uris) / (time.perf_counter() - start))
    return bare, ours, cold


def decoding(uri: str, decodes: int) -> dict[str, list[float]]:
    """Milliseconds per decode of one 1280x720 photo: ours in memory, ours from JPEG, zxing defaults."""
    import numpy as np
    import zxingcpp
    from PIL import Image

    from labels.codes.qr import render_png
    from scanner import decode_image
    from tests.unit.scanner.scanner_pictures import Placement, jpeg_bytes, photo

    code = Image.open(io.BytesIO(render_png(uri, 4)))
    picture = photo([(code, Placement((700, 330), 210, 23, 0.2))], seed=3, noise=12)
    jpeg = jpeg_bytes(picture)
    pixels = np.asarray(picture)
    assert [c.text for c in decode_image(jpeg)] == [uri], "the photo must decode"
    timings: dict[str, list[float]] = {"memory": [], "jpeg": [], "zxing defaults": []}
    for _ in range(decodes):
        for name, work in (
            ("memory", lambda: decode_image(picture)),
            ("jpeg", lambda: decode_image(jpeg)),
            ("zxing defaults", lambda: zxingcpp.read_barcodes(pixels)),
        ):
            start = time.perf_counter()
            work()
            timings[name].append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="distinct issued codes to verify per round")
    parser.add_argument("--rounds", type=int, default=15, help="rounds, each loop once per round")
    parser.add_argument("--decodes", type=int, default=60, help="photo decodes per variant")
    parser.add_argument("--profile", action="store_true", help="print where verify_code spends its time")
    args = parser.parse_args()

    from scanner import load_bundle

    header(f"bench_scanner: {args.n} codes, {args.rounds} rounds; {args.decodes} decodes of a 1280x720 photo")
    with fresh_registry() as (app, db):
        uris, served, jwks = build(app, db, args.n)
    with Timer() as timer:
        bundle = load_bundle(served, jwks)
    took = timer.seconds * 1000
    print(f"trust bundle: {len(served):,} bytes, accepted (pin, proofs, lists, checkpoint) in {took:.1f} ms")

    bare, ours, cold = verification(uris, bundle, args.rounds)
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"bare Ed25519 verify:          {statistics.median(bare):8,.0f} /s (median; best {max(bare):,.0f})")
    print(f"scanner.verify_code, text:    {statistics.median(ours):8,.0f} /s (median; best {max(ours):,.0f})")
    print(
        f"  each claim body parsed anew: {statistics.median(cold):7,.0f} /s (median; best {max(cold):,.0f})"
    )
    print(
        f"ratio verify_code/bare: {ratio:.2f} (best rounds {max(ours) / max(bare):.2f}; every body parsed "
        f"anew {statistics.median(cold) / statistics.median(bare):.2f}); "
        f"goal >= {RATE_GOAL:.2f}: {'met' if ratio >= RATE_GOAL else 'MISSED'}"
    )
    if args.profile:
        from scanner import verify_code

        now = datetime.now(UTC)
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [verify_code(uri, bundle, now) for uri in uris])
        out = ROOT / "bench" / "results" / "bench_scanner-profile.txt"
        out.parent.mkdir(exist_ok=True)
        with out.open("w") as handle:
            pstats.Stats(profiler, stream=handle).sort_stats("tottime").print_stats(25)
        print(f"profile written to {out}")

    timings = decoding(uris[0], args.decodes)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"decode 1280x720 photo, one code, in memory: median {medians['memory']:.1f} ms")
    print(f"decode 1280x720 photo, one code, from JPEG: median {medians['jpeg']:.1f} ms")
    print(f"zxing-cpp defaults (all symbologies), same photo: median {medians['zxing defaults']:.1f} ms")
    met = "met" if medians["jpeg"] < DECODE_GOAL_MS else "MISSED"
    print(f"decode goal: median < {DECODE_GOAL_MS:.0f} ms from JPEG: {met}")


if __name__ == "__main__":
    main()
