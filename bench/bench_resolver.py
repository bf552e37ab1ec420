"""The resolver's JSON verdict for a serial, against a hello-world Flask app under the same gunicorn.

Goal (issue 7): with 1,000,000 issued serials in the database, ``GET /01/{gtin}/10/{lot}/21/{serial}``
with ``Accept: application/json`` serves at least 50 % of the requests per second of a hello-world
Flask app (``bench/_hello.py``) served by the same gunicorn settings in the same run, with a p99
latency under 20 ms.

1. A fresh SQLite database in a temporary directory (migrated, keys generated), an enterprise with a
   published product carrying an issued label (made as the tests make them), a lot, ``--claimed``
   serials issued for real through ``labels.codes.lots.issue_serials`` (each with its own signed claim), then
   ``--n`` more inserted in bulk straight into ``serials``: random 12-character serials of
   ``[0-9A-Za-z]``, the claim string copied from a really issued one. Without a claim in the URL the
   resolver does not verify claims, so these rows serve the lookup path exactly as issued ones would.
2. Two gunicorns with the same settings (``--workers``, sync workers, bound to a free port on
   127.0.0.1): ``app:create_app()`` and ``_hello:app``. Each is polled until it answers.
3. The load: ``wrk`` when it is installed (a Lua script picks a random URL from a pre-built list per
   request), else a Python generator (threads, ``http.client`` connections kept alive when the server
   allows it). Each target gets a warm-up, then ``--duration`` seconds measured: hello, the resolver on
   random serial URLs without a claim, and the resolver on the really issued serials with their claims
   (the claim is verified: an Ed25519 signature per request). ``--rounds`` times over, the three
   targets one after the other in each round, so a machine that is busy for a while weighs on both
   sides of a round's ratio; the medians of the rounds are the result.
4. ``--profile``: no servers; the same requests in process through Flask's test client, hello and
   resolver alternately: milliseconds a request, SQL statements a request, and cProfile of the
   resolver's requests (``bench/results/bench_resolver-profile.txt``).

    .venv/bin/python bench/bench_resolver.py                  # 100,000 serials
    .venv/bin/python bench/bench_resolver.py --n 1000000      # the issue's size
    .venv/bin/python bench/bench_resolver.py --python-load    # without wrk
    .venv/bin/python bench/bench_resolver.py --profile        # where the time goes, in process

Traffic goes to 127.0.0.1 only, each run is bounded in time, both servers are stopped at the end.
Prints rates, percentiles and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _harness import ROOT, Timer, fresh_registry, header, median, percentile

RATIO_GOAL = 0.50
P99_GOAL_MS = 20.0
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
LOT_NUMBER = "2611A"
ACCEPT = "application/json"

WRK_SCRIPT = r"""
local paths = {}
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept"] = "application/json"})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean
  ))
end
"""


# --- the database ------------------------------------------------------------------------------------


def build(app, db, n: int, claimed: int, seed: int) -> dict:
    """The labelled product, its lot, ``claimed`` issued serials and ``n`` bulk ones; what to request."""
    from sqlalchemy import insert, select

    from labels.codes.lots import create_lot, issue_serials
    from labels.codes.qrclaim import digital_link_path
    from labels.registry.permissions import SYSTEM
    from models import Serial, utcnow
    from tests.helpers import make_label, make_org, make_product, make_scheme, make_user

    with app.app_context(), db.new_session() as session:
        certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
        applicant = make_user(session, enterprise, "enterprise")
        product = make_product(session, enterprise, published=True)
        make_label(
            session,
            applicant,
            make_scheme(session, certifier),
            [product],
            make_user(session, certifier, "certifier"),
        )
        lot = create_lot(session, SYSTEM, product.gtin, LOT_NUMBER)
        job = issue_serials(session, SYSTEM, lot.id, claimed, "bench-claimed")
        session.commit()
        issued = session.execute(select(Serial.serial, Serial.claim).where(Serial.lot_id == lot.id)).all()
        gtin, product_id, lot_id, job_id = product.gtin, product.id, lot.id, job.id

    rng = random.Random(seed)
    taken = {serial for serial, _ in issued}
    claim = issued[0].claim
    now = utcnow()
    bulk: list[str] = []
    with Timer() as timer:
        while len(bulk) < n:
            rows = []
            for _ in range(min(50_000, n - len(bulk))):
                serial = "".join(rng.choices(ALPHABET, k=12))
                if serial in taken:
                    continue
                taken.add(serial)
                bulk.append(serial)
                rows.append(
                    {
                        "product_id": product_id,
                        "lot_id": lot_id,
                        "job_id": job_id,
                        "serial": serial,
                        "claim": claim,
                        "created_at": now,
                    }
                )
            with db.engine.begin() as connection:
                connection.execute(insert(Serial.__table__), rows)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    print(f"inserted {n:,} serials in bulk in {timer.seconds:.1f} s; {len(issued)} issued with own claims")
    return {
        "gtin": gtin,
        "plain": [digital_link_path(gtin, LOT_NUMBER, s) for s in rng.sample(bulk, min(20_000, len(bulk)))],
        "claimed": [f"{digital_link_path(gtin, LOT_NUMBER, s)}?{c}" for s, c in issued],
    }


# --- the servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, env: dict, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        f"{ROOT},{ROOT / 'bench'}",
        "--log-level",
        "warning",
        target,
    ]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, port


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": ACCEPT})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_answers(process: subprocess.Popen, port: int, path: str, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); its log:\n{log.read_text()}")
        try:
            status, _ = get(port, path, timeout=2)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer within {seconds} s; log: {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the load ----------------------------------------------------------------------------------------


def load_wrk(port: int, paths: list[str], seconds: float, connections: int, threads: int, tmp: Path) -> dict:
    listing, script = tmp / "paths.txt", tmp / "random.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(WRK_SCRIPT)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
        "--",
        str(listing),
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((x for x in output.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    values = (float(x) for x in line.split()[1:])
    requests, duration_us, socket_errors, non_2xx, p50, p99, worst, mean = values
    return {
        "rps": requests / (duration_us / 1e6),
        "requests": int(requests),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "max": worst / 1000,
        "mean": mean / 1000,
        "errors": int(socket_errors),
        "non_2xx": int(non_2xx),
    }


def load_python(port: int, paths: list[str], seconds: float, connections: int, limit: int = 2_000_000):
    """``connections`` threads, each with its own connection (reopened when the server closes it)."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    per_thread = limit // connections

    def worker(slot: int) -> None:
        rng = random.Random(slot)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = latencies[slot]
        while time.perf_counter() < deadline and len(mine) < per_thread:
            start = time.perf_counter()
            try:
                connection.request("GET", rng.choice(paths), headers={"Accept": ACCEPT})
                response = connection.getresponse()
                response.read()
                if response.status >= 300:
                    failures[slot] += 1
            except (OSError, http.client.HTTPException):
                failures[slot] += 1
                connection.close()
                continue
            mine.append(time.perf_counter() - start)
        connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(slot,), daemon=True) for slot in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - started
    every = [x * 1000 for part in latencies for x in part]
    return {
        "rps": len(every) / elapsed,
        "requests": len(every),
        "p50": percentile(every, 0.50),
        "p99": percentile(every, 0.99),
        "max": max(every),
        "mean": sum(every) / len(every),
        "errors": 0,
        "non_2xx": sum(failures),
    }


def measure(args, port: int, paths: list[str], tmp: Path, name: str, warm: bool) -> dict:
    def run(seconds: float) -> dict:
        if args.python_load:
            return load_python(port, paths, seconds, args.connections)
        return load_wrk(port, paths, seconds, args.connections, args.threads, tmp)

    if warm:
        run(args.warmup)
    result = run(args.duration)
    print(
        f"{name:<28} {result['rps']:>9,.0f} req/s  p50 {result['p50']:6.2f} ms  p99 {result['p99']:6.2f} ms  "
        f"max {result['max']:7.2f} ms  ({result['requests']:,} requests, "
        f"{result['non_2xx']} non-2xx, {result['errors']} socket errors)"
    )
    return result


def check_answers(port: int, built: dict) -> None:
    """The answers are the right ones, or timing them means nothing."""
    for path, genuine in ((built["plain"][0], None), (built["claimed"][0], True)):
        status, body = get(port, path)
        verdict = json.loads(body)
        if status != 200 or verdict["verdict"] != "valid" or verdict["genuine"] is not genuine:
            raise SystemExit(f"unexpected answer for {path}: {status} {body[:300]!r}")
        if not verdict["serial"]["issued"]:
            raise SystemExit(f"serial not found: {path}")
    path = built["plain"][0][:-3] + "zzz"
    status, body = get(port, path)
    if json.loads(body)["verdict"] != "serial-not-issued":
        raise SystemExit(f"an unknown serial was not reported: {status} {body[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="serials in the database (issue: 1000000)")
    parser.add_argument("--claimed", type=int, default=200, help="serials issued for real, with claims")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, the same for both apps")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per target")
    parser.add_argument("--python-load", action="store_true", help="the Python load generator even with wrk")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three targets; medians")
    parser.add_argument("--profile", action="store_true", help="in process instead: time, SQL, cProfile")
    parser.add_argument("--requests", type=int, default=2000, help="requests per target with --profile")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.python_load and shutil.which("wrk") is None:
        args.python_load = True

    header(f"bench_resolver: {args.n:,} serials")
    if args.profile:
        with fresh_registry() as (app, db):
            built = build(app, db, args.n, args.claimed, args.seed)
            profile(app, db, built, args.requests)
        return
    generator = "Python threads (http.client)" if args.python_load else f"wrk, {args.threads} thread(s)"
    print(
        f"database: SQLite (temporary file); gunicorn --workers {args.workers} (sync); "
        f"load: {generator}, {args.connections} connections, {args.warmup:g} s warm-up + {args.duration:g} s "
        f"a target, {args.rounds} round(s)"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with fresh_registry() as (app, db), tempfile.TemporaryDirectory(prefix="ecoreg-bench-load-") as scratch:
        tmp = Path(scratch)
        built = build(app, db, args.n, args.claimed, args.seed)
        db.engine.dispose()
        # The scan log is stored off the request path, as deployed (testing stores it per request).
        env = os.environ | {
            "ECOREG_ENV": "testing",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SCAN_FLUSH_SECONDS": "1",
        }
        servers = []
        try:
            hello, hello_port = start_gunicorn("_hello:app", env, args.workers, tmp / "hello.log")
            servers.append(hello)
            ecoreg, ecoreg_port = start_gunicorn("app:create_app()", env, args.workers, tmp / "ecoreg.log")
            servers.append(ecoreg)
            wait_until_answers(hello, hello_port, "/", tmp / "hello.log")
            wait_until_answers(ecoreg, ecoreg_port, built["plain"][0], tmp / "ecoreg.log")
            check_answers(ecoreg_port, built)
            rounds = []
            for number in range(1, args.rounds + 1):
                if args.rounds > 1:
                    print(f"round {number} of {args.rounds}")
                first = number == 1
                base = measure(args, hello_port, built["plain"], tmp, "hello-world Flask", first)
                plain = measure(args, ecoreg_port, built["plain"], tmp, "resolver, serial (no claim)", first)
                claimed = measure(args, ecoreg_port, built["claimed"], tmp, "resolver, serial + claim", first)
                rounds.append((base, plain, claimed))
        finally:
            for process in servers:
                stop(process)
    report(rounds)
    if args.n < 1_000_000:
        print("(the issue's goals are for 1,000,000 serials: --n 1000000)")


def report(rounds: list[tuple[dict, dict, dict]]) -> None:
    """Each round's ratio, then the medians over the rounds (one round: its numbers)."""
    ratios = [plain["rps"] / base["rps"] for base, plain, _ in rounds]
    claimed_ratios = [claimed["rps"] / base["rps"] for base, _, claimed in rounds]
    if len(rounds) > 1:
        print("ratios by round: " + ", ".join(f"{x:.2f}" for x in ratios))
        print(
            "medians of the rounds: "
            + ", ".join(
                f"{name} {median([r[i]['rps'] for r in rounds]):,.0f} req/s "
                f"(p99 {median([r[i]['p99'] for r in rounds]):.2f} ms)"
                for i, name in enumerate(("hello", "resolver", "resolver + claim"))
            )
        )
    ratio, p99 = median(ratios), median([plain["p99"] for _, plain, _ in rounds])
    worst = max(plain["p99"] for _, plain, _ in rounds)
    print(
        f"ratio resolver/hello: {ratio:.2f} (goal >= {RATIO_GOAL:.2f}: "
        f"{'met' if ratio >= RATIO_GOAL else 'MISSED'}); "
        f"with the claim verified: {median(claimed_ratios):.2f}"
    )
    print(
        f"resolver p99: {p99:.2f} ms (goal < {P99_GOAL_MS:g} ms: "
        f"{'met' if p99 < P99_GOAL_MS else 'MISSED'}; worst round {worst:.2f} ms); "
        f"with the claim: {median([c['p99'] for _, _, c in rounds]):.2f} ms; "
        f"hello p99: {median([b['p99'] for b, _, _ in rounds]):.2f} ms"
    )


# --- in process --------------------------------------------------------------------------------------


def profile(app, db, built: dict, requests: int) -> None:
    """Hello and the resolver through the test client, alternately; SQL statements; cProfile."""
    from _hello import app as hello
    from sqlalchemy import event

    app.config["SCAN_FLUSH_SECONDS"] = 60  # the scan log is stored off the request path, as deployed
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    for engine in {db.engine, db.read_engine}:
        event.listen(engine, "before_cursor_execute", count)
    headers = {"Accept": ACCEPT}
    clients = {"hello": hello.test_client(), "resolver": app.test_client(), "claim": app.test_client()}
    paths = {"hello": built["plain"], "resolver": built["plain"], "claim": built["claimed"]}
    per_round = max(1, requests // 5)
    timings: dict[str, list[float]] = {name: [] for name in clients}
    for name, client in clients.items():  # warm-up: imports, compiled statements, pool
        for path in paths[name][:200]:
            client.get(path, headers=headers)
    for _ in range(5):
        for name, client in clients.items():
            with Timer() as timer:
                for i in range(per_round):
                    client.get(paths[name][i % len(paths[name])], headers=headers)
            timings[name].append(timer.seconds / per_round * 1000)
    for name in clients:
        statements.clear()
        clients[name].get(paths[name][1], headers=headers)
        print(
            f"in process ({name}): median {median(timings[name]):.3f} ms a request over 5 x "
            f"{per_round}, {len(statements)} SQL statements a request"
        )
        for statement in statements:
            print(f"    {' '.join(statement.split())[:150]}")
    print(f"in-process ratio resolver/hello: {median(timings['hello']) / median(timings['resolver']):.2f}")
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        clients["resolver"].get(paths["resolver"][i % len(paths["resolver"])], headers=headers)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    target = ROOT / "bench" / "results" / "bench_resolver-profile.txt"
    target.parent.mkdir(exist_ok=True)
    target.write_text(out.getvalue())
    print(f"cProfile of {requests} resolver requests (no claim), by cumulative time: {target}")
    print("\n".join(out.getvalue().splitlines()[:40]))
    from app import scan_log

    with app.app_context():
        scan_log.flush()  # while the database is still there


if __name__ == "__main__":
    main()
