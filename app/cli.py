"""The ``ecoreg`` console (also ``flask --app app``): database, accounts, tokens, imports, demo data.

Each command does its work through the same services as the web, as the console principal, and
commits once at the end: a command that fails leaves nothing behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from app.database import db
from labels.errors import LabelsError
from labels.registry.permissions import CONSOLE, SCOPES


def main() -> None:
    from app import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="ecoreg: the eco-label and traceability registry.")
    cli.main(prog_name="ecoreg")


def _fail(exc: LabelsError) -> None:
    click.secho(f"error: {exc.detail}", fg="red", err=True)
    for issue in getattr(exc, "issues", []):
        click.echo(f"  {issue.field}: {issue.message} [{issue.rule}]", err=True)
    sys.exit(1)


def init_app(app: Flask) -> None:
    users = click.Group("users", help="User accounts.")
    tokens = click.Group("tokens", help="API tokens.")
    orgs = click.Group("orgs", help="Organisations.")
    products = click.Group("products", help="Products.")
    for group in (users, tokens, orgs, products):
        app.cli.add_command(group)

    @users.command("create")
    @click.option("--email", required=True)
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="at least 10 characters; asked for when not given, so it stays out of shell history",
    )
    @click.option("--name", "display_name", default="")
    @click.option("--role", type=click.Choice(["admin", "certifier", "enterprise", "retailer"]))
    @click.option("--org", "tax_code", help="tax code of the organisation the role is held in")
    def create_user(email, password, display_name, role, tax_code):
        """Create a user, optionally with a role in an organisation."""
        from labels.registry.accounts import add_membership, create_user
        from labels.registry.organisations import find_by_tax_code

        if bool(role) != bool(tax_code):
            raise click.UsageError("--role and --org go together")
        with db.new_session() as session:
            try:
                user = create_user(session, CONSOLE, email, password, display_name)
                if role:
                    add_membership(session, CONSOLE, user, find_by_tax_code(session, tax_code), role)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            click.echo(f"created user {user.email} (id {user.id})")

    @tokens.command("create")
    @click.option("--email", required=True)
    @click.option(
        "--scope",
        "scopes",
        multiple=True,
        type=click.Choice(sorted(SCOPES)),
        help="repeat for several; default: every scope",
    )
    @click.option("--name", default="console")
    @click.option("--days", default=90, show_default=True)
    def create_token(email, scopes, name, days):
        """Create an API token for a user and print its secret (shown this once)."""
        from labels.registry.accounts import find_user_by_email
        from labels.registry.tokens import issue_token

        with db.new_session() as session:
            try:
                user = find_user_by_email(session, email)
                _, secret = issue_token(session, CONSOLE, user, name, list(scopes or SCOPES), days)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
        click.echo(secret)

    @orgs.command("create")
    @click.option(
        "--kind", required=True, type=click.Choice(["enterprise", "retailer", "certifier", "authority"])
    )
    @click.option("--name", "legal_name", required=True)
    @click.option("--tax-code", required=True)
    @click.option("--gs1-prefix", "gs1_company_prefix")
    @click.option("--address", default="")
    @click.option("--district")
    @click.option("--sector")
    def create_org(**fields):
        """Register an organisation."""
        from labels.registry.organisations import create_organisation

        fields = {k: v for k, v in fields.items() if v is not None}
        with db.new_session() as session:
            try:
                organisation = create_organisation(session, CONSOLE, **fields)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            click.echo(f"created {organisation.kind} {organisation.legal_name} (id {organisation.id})")

    @products.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--org", "tax_code", help="holder of rows without a holder_tax_code column")
    def import_products_command(file: Path, tax_code):
        """Import products from FILE.csv or FILE.xlsx: every row or none; prints a per-row report."""
        from labels.registry.organisations import find_by_tax_code
        from labels.registry.product_import import ImportRefused, import_products

        content = file.read_bytes()
        with db.new_session() as session:
            try:
                holder = find_by_tax_code(session, tax_code) if tax_code else None
                with click.progressbar(length=_count_lines(file, content), label="checking rows") as bar:
                    report = import_products(
                        session, CONSOLE, file.name, content, holder, progress=bar.update
                    )
                session.commit()
            except ImportRefused as exc:
                click.secho(f"error: {exc.detail}", fg="red", err=True)
                for e in exc.report.errors:
                    click.echo(f"  row {e.row}, {e.field}: {e.message} [{e.rule}]", err=True)
                sys.exit(1)
            except LabelsError as exc:
                _fail(exc)
        click.echo(f"imported {len(report.created)} products from {file.name}")

    keys = click.Group("keys", help="Signing keys (Ed25519, encrypted at rest with the key passphrase).")
    app.cli.add_command(keys)
    notary = app.extensions["notary"]

    @keys.command("generate")
    def keys_generate():
        """Create an active key for each purpose (credential, log) that has none."""
        with db.new_session() as session:
            try:
                made = notary.generate_keys(session, CONSOLE)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            for key in made:
                click.echo(f"generated {key.purpose} key {key.kid}")
            if not made:
                click.echo("every purpose has an active key already; use `ecoreg keys rotate` to replace one")

    @keys.command("rotate")
    @click.option("--purpose", type=click.Choice(["credential", "log"]), required=True)
    def keys_rotate(purpose):
        """Replace the active key; the old one stays published so its signatures still verify."""
        with db.new_session() as session:
            try:
                key = notary.rotate_key(session, CONSOLE, purpose)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            click.echo(f"{purpose} key is now {key.kid}")

    @keys.command("retire")
    @click.argument("kid")
    def keys_retire(kid):
        """Retire a key: it signs nothing new (e.g. after a suspected compromise); it stays published."""
        from labels.trust.keyring import retire_key

        with db.new_session() as session:
            try:
                retire_key(session, CONSOLE, kid)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            click.echo(f"retired {kid}")

    @keys.command("list")
    def keys_list():
        """Every key with its purpose and validity."""
        from labels.trust.keyring import list_keys

        with db.new_session() as session:
            for key in list_keys(session):
                state = "retired" if key.retired_at else ("active" if key.active else "rotated")
                until = key.deactivated_at.isoformat(timespec="seconds") if key.deactivated_at else "-"
                click.echo(
                    f"{key.kid:<36} {key.purpose:<10} {state:<8} "
                    f"from {key.activated_at.isoformat(timespec='seconds')} until {until}"
                )

    serials = click.Group("serials", help="Serial numbers of a lot, each with a signed QR claim.")
    app.cli.add_command(serials)

    @serials.command("issue")
    @click.option("--lot", "lot_id", type=int, required=True, help="the lot's id")
    @click.option("--count", type=click.IntRange(1, 100_000), required=True)
    @click.option(
        "--key", "idempotency_key", required=True, help="repeat the command with the same key safely"
    )
    def serials_issue(lot_id, count, idempotency_key):
        """Issue COUNT serials in a lot, all or nothing, with a progress bar.

        Runs as a serial job, in chunks that each commit on their own, as the server's background jobs
        do: a big request never holds the database's write lock for long, and none of its serials is
        issued until all are. Interrupted, it fails the job and leaves nothing behind."""
        from app.serial_jobs import JobSettings, run_job
        from labels.codes.lots import claim_job, submit_serials
        from models import SerialJob, utcnow

        with db.new_session() as session:
            try:
                job, _ = submit_serials(session, CONSOLE, lot_id, count, idempotency_key, at_once=False)
                session.commit()
            except LabelsError as exc:
                _fail(exc)
            # A queued job runs here: a new one, or one whose server worker died before starting it.
            claimed = claim_job(session, utcnow(), job.id)
            session.commit()
        if claimed:
            with click.progressbar(length=count, label="signing serials") as bar:
                run_job(db.new_session, job.id, JobSettings(app.config), progress=bar.update)
        with db.new_session() as session:
            job = session.get(SerialJob, job.id)
        if job.state == "failed":
            click.secho(f"error: job {job.id} failed: {job.error}", fg="red", err=True)
            sys.exit(1)
        click.echo(f"job {job.id}: {job.issued} serials in lot {lot_id} ({job.state})")

    webhooks = click.Group("webhooks", help="Webhooks of retailers' watchlists (docs/retailers.md).")
    app.cli.add_command(webhooks)

    @webhooks.command("deliver")
    @click.option("--once", is_flag=True, help="one pass, then exit (for cron, or to catch up by hand)")
    def webhooks_deliver(once):
        """Tell watchers of labels that expired and send every webhook delivery that is due.

        Without --once it keeps doing so, as each worker's background thread does: run it as a process
        of its own when WEBHOOK_DISPATCHER_THREAD is off. Several may run at once; each delivery
        attempt is still made once."""
        from app.webhook_dispatcher import DispatchSettings, dispatcher, run_pass

        if once:
            click.echo(run_pass(db.new_session, DispatchSettings(app.config)).summary())
            return
        click.echo("delivering webhooks; Ctrl-C stops")
        dispatcher(app).run()

    @app.cli.command("audit")
    @click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="the number of CPUs",
        help="processes verifying signatures; 1 verifies in this process",
    )
    def audit_command(jobs):
        """Re-verify every signature, recompute the log, check the checkpoints; exit 1 on any finding."""
        from labels.integrity.audit import audit

        with db.new_session() as session:
            size = session.scalar(_log_size()) or 0
            with click.progressbar(length=size, label="verifying records") as bar:
                report = audit(session, progress=bar.update, jobs=jobs)
        click.echo(
            f"{report.records} records, {report.checkpoints} checkpoints, {report.labels} labels, "
            f"{report.events} events checked"
        )
        for finding in report.findings:
            click.secho(f"TAMPERED {finding}", fg="red")
        if not report.ok:
            click.secho(
                f"{len(report.findings)} findings: the stored history does not match what was signed",
                fg="red",
                err=True,
            )
            sys.exit(1)
        click.secho("everything verifies", fg="green")

    plan = click.Group("plan", help="The action plan 202/KH-UBND.")
    app.cli.add_command(plan)

    @plan.command("load")
    def plan_load():
        """Load the plan's targets, annex tasks and agencies (once; later runs change nothing)."""
        from labels.plan.seed import get_plan, load_plan

        with db.new_session() as session:
            if get_plan(session) is not None:
                click.echo("plan 202/KH-UBND: loaded already")
                return
            loaded = load_plan(session, CONSOLE)
            session.commit()
            click.echo(f"plan {loaded.code}: {len(loaded.targets)} targets, {len(loaded.tasks)} tasks loaded")

    @plan.command("remind")
    def plan_remind():
        """Send the reminders due now (30, 7 and 1 days before 1 December) to agencies yet to report."""
        from labels.plan.reminders import send_due
        from labels.plan.seed import get_plan

        with db.new_session() as session:
            found = get_plan(session)
            made = send_due(session, found) if found is not None else []
            session.commit()
            for reminder in made:
                click.echo(f"  {reminder.organisation.legal_name}: due in {reminder.days_before} days")
        click.echo(f"{len(made)} reminders sent")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="do nothing when the database has organisations already")
    @click.option("--if-enabled", is_flag=True, help="do nothing unless the SEED_DEMO setting is on")
    def seed_demo(if_empty, if_enabled):
        """Load the Đồng Nai demo data (enterprises, supermarkets, the certifier, products, logins)."""
        from labels.demo.seed import DEMO_PASSWORD, database_is_empty, seed

        if if_enabled and not app.config["SEED_DEMO"]:
            click.echo(f"demo data: SEED_DEMO is off ({app.config['ENV_NAME']} settings); nothing seeded")
            return
        with db.new_session() as session:
            if not database_is_empty(session):
                if if_empty:
                    click.echo("demo data: the database has data already; nothing seeded")
                    return
                click.secho(
                    "error: the database has data already; demo data goes into an empty one",
                    fg="red",
                    err=True,
                )
                sys.exit(1)
            logins = seed(session)
            session.commit()
        click.echo(f"demo data seeded; every demo login uses the password {DEMO_PASSWORD!r}:")
        for email, role in logins:
            click.echo(f"  {role:<11} {email}")


def _log_size():
    from sqlalchemy import select

    from models import LogState

    return select(LogState.size).where(LogState.id == 1)


def _count_lines(file: Path, content: bytes) -> int:
    if file.suffix.lower() == ".csv":
        return max(0, content.count(b"\n") - 1) or 1
    return 0
