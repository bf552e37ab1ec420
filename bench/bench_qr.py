"""QR rendering rate of ``labels.codes.qr`` against plain ``qrcode.make(text)`` saved as PNG, in the same run.

Goal (issue 7): rendering is at least 3x the rate of ``qrcode.make(text).save(BytesIO(), "PNG")``,
while choosing the same mask (the tests check the symbols are identical). Both sides render the same
N distinct claim URIs (host of 20 characters, GTIN-14, lot, 12-character serial, one signed label) to
PNG bytes at qrcode's default size (10 pixels a module, quiet zone 4). The per-version layout that
``labels.codes.qr`` computes once is built before timing, as a running server would have it.

    .venv/bin/python bench/bench_qr.py             # 300 URIs, 3 rounds
    .venv/bin/python bench/bench_qr.py --n 1000 --rounds 5

Prints rates and the ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
from datetime import date

from _harness import Timer, header

GOAL = 3.0


def claim_uris(n: int, seed: int = 2026) -> list[str]:
    from labels.codes.qrclaim import ClaimFields, build_uri, digital_link_path, random_serial
    from labels.trust.keys import generate_private_key

    rng = random.Random(seed)
    key = generate_private_key()
    uris = []
    for i in range(n):
        fields = ClaimFields(
            (f"DN-{rng.choice(['GRN', 'ENR', 'CBN', 'RCY'])}-2026-{rng.randrange(1, 40_000):06d}",),
            date(2029, 11, 23),
            (rng.randrange(300_000),),
        )
        path = digital_link_path("09506000134352", f"L26{i:07d}", random_serial())
        uris.append(build_uri("qr.nhanxanhdn.gov.vn", path, fields, key))
    return uris


def qrcode_rate(uris: list[str]) -> float:
    import qrcode

    with Timer() as timer:
        for uri in uris:
            out = io.BytesIO()
            qrcode.make(uri).save(out, "PNG")
    return len(uris) / timer.seconds


def labels_qr_rate(uris: list[str]) -> float:
    from labels.codes.qr import render_png

    with Timer() as timer:
        for uri in uris:
            render_png(uri)
    return len(uris) / timer.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="distinct claim URIs per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each side once per round")
    args = parser.parse_args()

    from labels.codes.qr import encode

    header(f"bench_qr: {args.n} claim URIs to PNG, {args.rounds} rounds")
    uris = claim_uris(args.n)
    versions = sorted({encode(uri).version for uri in uris})  # also builds each version's layout
    lengths = [len(uri) for uri in uris]
    print(f"URIs: {min(lengths)} to {max(lengths)} characters, QR versions {versions}, level M")
    ours, theirs = [], []
    for _ in range(args.rounds):
        theirs.append(qrcode_rate(uris))
        ours.append(labels_qr_rate(uris))
    baseline, rate = statistics.median(theirs), statistics.median(ours)
    ratio = rate / baseline
    print(f"qrcode.make(text).save(PNG): {baseline:,.0f} codes/s (median of {args.rounds})")
    print(f"labels.codes.qr.render_png:        {rate:,.0f} codes/s (median of {args.rounds})")
    print(f"ratio: {ratio:.2f}  (goal >= {GOAL:.1f}: {'met' if ratio >= GOAL else 'MISSED'})")


if __name__ == "__main__":
    main()
