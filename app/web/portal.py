"""The portals: one page per role, showing what that role can do next; and the enterprise's lots,
serials, print sheets and the progress of its serial jobs."""

from __future__ import annotations

import io
import secrets
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import serial_jobs
from app.api.lots import SerialJobSchema, submit_serials
from app.auth import web_principal
from app.database import db
from app.web.forms import ProductImportForm
from labels.certification import applications, catalogue, schemes, workflow
from labels.codes import lots, printing, qr
from labels.common.paging import paginate
from labels.errors import Conflict, FieldIssue, InvalidInput, LabelsError
from labels.registry import audit, products
from labels.registry.product_import import ImportRefused, import_products
from models import (
    APPLICATION_STATES,
    AuditEntry,
    Label,
    Lot,
    Organisation,
    Product,
    Serial,
    SerialJob,
    User,
    utcnow,
)

bp = Blueprint("portal", __name__, url_prefix="/portal")

ROLE_PAGES = {
    "admin": "portal.admin",
    "certifier": "portal.certifier",
    "enterprise": "portal.enterprise",
    "retailer": "portal.retailer",
    "reporter": "action_plan.portal",
}


def _membership(role: str):
    """The current user's membership in ``role``, or 404: a portal is only for its role."""
    for membership in current_user.user.memberships:
        if membership.role == role:
            return membership
    abort(404)


@bp.get("")
@login_required
def home():
    """Send the user to the page of their role; list them all if they hold several."""
    memberships = current_user.user.memberships
    if len(memberships) == 1:
        return redirect(url_for(ROLE_PAGES[memberships[0].role]))
    return render_template("portal/home.html", memberships=memberships, role_pages=ROLE_PAGES)


@bp.route("/enterprise", methods=["GET", "POST"])
@login_required
def enterprise():
    """An enterprise's products, drafts included, and a bulk import."""
    membership = _membership("enterprise")
    organisation = membership.organisation
    form = ProductImportForm()
    report_errors = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_products(
                db.session, web_principal(), upload.filename, upload.read(), organisation
            )
        except ImportRefused as exc:
            report_errors = exc.report.errors
            flash(exc.detail, "error")
            status = 422
        except InvalidInput as exc:
            flash(exc.detail, "error")
            status = 422
        else:
            flash(_("%(count)d products imported.", count=len(report.created)), "success")
            return redirect(url_for("portal.enterprise"))
    principal = web_principal()
    page = products.list_products(db.session, principal, holder_id=organisation.id, per_page=200)
    applied = applications.list_applications(
        db.session, principal, applicant_id=organisation.id, per_page=200
    )
    held = catalogue.list_labels(db.session, holder=organisation.id, per_page=200)
    return render_template(
        "portal/enterprise.html",
        organisation=organisation,
        products=page,
        form=form,
        report_errors=report_errors,
        applications=applied.items,
        labels=held.items,
        effective_status=workflow.effective_status,
        lots_column=True,
    ), status


@bp.get("/certifier")
@login_required
def certifier():
    """A certifier's review queue, the labels their body issued, and the enterprises of the province."""
    membership = _membership("certifier")
    principal = web_principal()
    state = request.args.get("state") or None
    if state not in APPLICATION_STATES:
        state = None
    kind = request.args.get("kind") or None
    queue = applications.list_applications(db.session, principal, state=state, kind=kind, per_page=200)
    issued = db.session.scalars(
        select(Label).where(Label.issuer_id == membership.organisation_id).order_by(Label.issued_at.desc())
    ).all()
    enterprises = db.session.scalars(
        select(Organisation).where(Organisation.kind == "enterprise").order_by(Organisation.legal_name)
    ).all()
    counts = dict(
        db.session.execute(select(Product.holder_id, func.count()).group_by(Product.holder_id)).all()
    )
    return render_template(
        "portal/certifier.html",
        organisation=membership.organisation,
        queue=queue.items,
        state=state,
        kind=kind,
        kinds=schemes.list_kinds(db.session),
        issued=issued,
        enterprises=enterprises,
        counts=counts,
        effective_status=workflow.effective_status,
        states=APPLICATION_STATES,
    )


@bp.get("/retailer")
@login_required
def retailer():
    """A retailer's view: the published catalogue of registered products."""
    membership = _membership("retailer")
    page = products.list_products(db.session, web_principal(), published=True, per_page=200)
    return render_template("portal/retailer.html", organisation=membership.organisation, products=page)


@bp.get("/admin")
@login_required
def admin():
    """The registry administrator's overview: organisations, users, the latest audit entries."""
    _membership("admin")
    organisations = db.session.scalars(
        select(Organisation).order_by(Organisation.kind, Organisation.legal_name)
    ).all()
    users = db.session.scalar(select(func.count()).select_from(User))
    entries = audit.list_entries(db.session, web_principal(), per_page=20)
    actors = {
        u.id: u.email
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_user_id for e in entries.items if e.actor_user_id}))
        )
    }
    return render_template(
        "portal/admin.html",
        organisations=organisations,
        users=users,
        entries=entries.items,
        actors=actors,
        AuditEntry=AuditEntry,
    )


# --- an enterprise's lots, serials and print files ------------------------------------------------
# Only the holder's enterprise members see these pages; anyone else gets a 404, as for a draft. Views
# that catch a refusal and answer with the form again roll back first (the edge commits below 400).

JOB_STATE_NAMES = {
    "queued": _l("waiting to start"),
    "running": _l("running"),
    "succeeded": _l("finished"),
    "failed": _l("failed"),
}
SERIALS_PER_PAGE = 50


def _held(holder_id: int) -> None:
    if holder_id not in web_principal().organisation_ids("enterprise"):
        abort(404)


def _own_product(gtin: str) -> Product:
    try:
        product = products.get_product(db.session, web_principal(), gtin)
    except LabelsError:
        abort(404)
    _held(product.holder_id)
    return product


def _own_lot(lot_id: int) -> Lot:
    try:
        lot = lots.get_lot(db.session, web_principal(), lot_id)
    except LabelsError:
        abort(404)
    _held(lot.product.holder_id)
    return lot


def _own_job(lot_id: int, job_id: int) -> SerialJob:
    lot = _own_lot(lot_id)
    job = lots.get_job(db.session, web_principal(), lot.id, job_id)
    return serial_jobs.current_state(db.session, job)


def _issues_by_field(exc: LabelsError) -> dict[str, str]:
    issues = list(getattr(exc, "issues", []))
    if isinstance(exc, Conflict):
        issues.append(FieldIssue(exc.field or "", exc.rule or "conflict", exc.detail))
    return {issue.field: issue.message for issue in issues}


def _date_field(name: str, issues: dict[str, str]) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        issues[name] = _("Enter a date as YYYY-MM-DD.")
        return None


def _count_field(name: str, issues: dict[str, str], low: int, high: int) -> int:
    raw = request.form.get(name, "").strip()
    if raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    issues[name] = _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
    return 0


@bp.route("/products/<string(maxlength=14):gtin>/lots", methods=["GET", "POST"])
@login_required
def product_lots(gtin: str):
    """A product's production lots, and a form to register one."""
    product = _own_product(gtin)
    issues: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        production = _date_field("production_date", issues)
        expiry = _date_field("expiry_date", issues)
        quantity = _count_field("quantity", issues, 0, 10**9) if request.form.get("quantity") else 0
        if not issues:
            try:
                lot = lots.create_lot(
                    db.session,
                    web_principal(),
                    product.gtin,
                    request.form.get("lot_number", ""),
                    production,
                    expiry,
                    quantity,
                    request.form.get("site_gln", "").strip() or None,
                )
            except (InvalidInput, Conflict) as exc:
                db.session.rollback()
                issues = _issues_by_field(exc)
            else:
                flash(_("Lot %(number)s registered.", number=lot.lot_number), "success")
                return redirect(url_for("portal.lot_detail", lot_id=lot.id))
        status = 422
    counts = dict(
        db.session.execute(
            select(Serial.lot_id, func.count())
            .join(Lot)
            .where(Lot.product_id == product.id)
            .group_by(Serial.lot_id)
        ).all()
    )
    found = db.session.scalars(select(Lot).where(Lot.product_id == product.id).order_by(Lot.id.desc())).all()
    return render_template(
        "portal/lots.html", product=product, lots=found, counts=counts, issues=issues, values=request.form
    ), status


def _lot_page(lot: Lot, issues: dict[str, str], status: int = 200):
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() and 0 < int(page_number) <= 100_000 else 1
    serials = paginate(
        db.session,
        select(Serial).where(Serial.lot_id == lot.id).order_by(Serial.id),
        page_number,
        SERIALS_PER_PAGE,
    )
    jobs = lots.list_jobs(db.session, web_principal(), lot.id, per_page=20)
    sheets = [
        (start, min(start + printing.MAX_SHEET_CODES, serials.total))
        for start in range(0, serials.total, printing.MAX_SHEET_CODES)
    ]
    return render_template(
        "portal/lot.html",
        lot=lot,
        product=lot.product,
        serials=serials,
        jobs=jobs.items,
        sheets=sheets,
        labels=lots.active_labels(db.session, lot.product, utcnow()),
        issues=issues,
        sync_limit=current_app.config["SERIAL_SYNC_LIMIT"],
        max_count=lots.MAX_SERIALS_PER_REQUEST,
        idempotency_key=secrets.token_urlsafe(16),
        job_state_names=JOB_STATE_NAMES,
        percent=lots.percent,
    ), status


@bp.get("/lots/<int:lot_id>")
@login_required
def lot_detail(lot_id: int):
    """A lot: its serials with their QR codes, its print sheets and label artwork, and its serial jobs."""
    return _lot_page(_own_lot(lot_id), {})


@bp.post("/lots/<int:lot_id>/serials")
@login_required
def request_serials(lot_id: int):
    """Serials for the lot: a few are issued at once; more become a job whose progress page follows."""
    found = _own_lot(lot_id)
    issues: dict[str, str] = {}
    count = _count_field("count", issues, 1, lots.MAX_SERIALS_PER_REQUEST)
    key = request.form.get("idempotency_key", "")
    if not issues:
        try:
            job, status = submit_serials(web_principal(), found.id, count, key)
        except LabelsError as exc:
            db.session.rollback()
            issues = _issues_by_field(exc) or {"count": exc.detail}
        else:
            if status == 201:  # issued at once; a queued job, or this form sent again, shows the job
                flash(_("%(count)d serials issued.", count=job.issued), "success")
                return redirect(url_for("portal.lot_detail", lot_id=found.id))
            return redirect(url_for("portal.serial_job", lot_id=found.id, job_id=job.id))
    return _lot_page(found, issues, 422)


@bp.get("/lots/<int:lot_id>/jobs/<int:job_id>")
@login_required
def serial_job(lot_id: int, job_id: int):
    """A serial job's progress: polled by a few lines of script, or refreshed by the page itself."""
    job = _own_job(lot_id, job_id)
    return render_template(
        "portal/serial_job.html",
        job=job,
        lot=job.lot,
        product=job.lot.product,
        percent=lots.percent(job),
        state_name=JOB_STATE_NAMES[job.state],
        finished=job.state not in lots.UNFINISHED,
    )


@bp.get("/lots/<int:lot_id>/jobs/<int:job_id>.json")
@login_required
def serial_job_json(lot_id: int, job_id: int):
    """The job as the API shows it, for the progress page's script (which has no API token)."""
    job = _own_job(lot_id, job_id)
    return jsonify(SerialJobSchema().dump(job) | {"state_name": str(JOB_STATE_NAMES[job.state])})


@bp.get("/lots/<int:lot_id>/sheet.pdf")
@login_required
def lot_sheet(lot_id: int):
    """The lot's printable A4 sheet of codes, from the ``start``-th serial."""
    found = _own_lot(lot_id)
    start = request.args.get("start", "0")
    start = int(start) if start.isdigit() and int(start) <= 10**9 else 0
    pdf = printing.lot_sheet(
        db.session, web_principal(), found.id, current_app.config["PUBLIC_BASE_URL"], start
    )
    name = f"{found.product.gtin}-{found.lot_number}-{start + 1}.pdf"
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/lots/<int:lot_id>/serials/<string(maxlength=20):serial>/qr.png")
@login_required
def serial_qr(lot_id: int, serial: str):
    """One item's QR code as a PNG for print (10 pixels a module, 300 DPI)."""
    found = _own_lot(lot_id)
    item = lots.find_serial(db.session, found.product.gtin, serial)
    if item is None or item.lot_id != found.id:
        abort(404)
    text = lots.code_uri(current_app.config["PUBLIC_BASE_URL"], found.product, found, item)
    png = qr.render_png(text, 10, 300)
    name = f"{found.product.gtin}-{found.lot_number}-{serial}.png"
    return send_file(io.BytesIO(png), mimetype="image/png", as_attachment=True, download_name=name)
