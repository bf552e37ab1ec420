"""Public pages: home, login and logout, the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from app.auth import SessionUser
from app.database import db
from app.extensions import limiter
from app.web.forms import LoginForm, LogoutForm
from labels.errors import AuthenticationRequired
from labels.registry.accounts import authenticate
from models import Organisation, Product

bp = Blueprint("web", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our login page."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("portal.home")


@bp.get("/")
def home():
    """What ecoreg is, for whom, and a few numbers."""
    count = db.session.scalar
    stats = {
        "enterprises": count(select(func.count()).where(Organisation.kind == "enterprise")) or 0,
        "retailers": count(select(func.count()).where(Organisation.kind == "retailer")) or 0,
        "products": count(select(func.count()).select_from(Product).where(Product.published.is_(True))) or 0,
    }
    return render_template("web/home.html", stats=stats)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Log in with email and password."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(db.session, form.email.data, form.password.data)
        except AuthenticationRequired:
            flash(_("Wrong email or password."), "error")
            status = 401
        else:
            login_user(SessionUser(user))
            session["lang"] = session.get("lang") or user.locale
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("web/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token, so no other site can log you out)."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
    return redirect(url_for("web.home"))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the interface language and go back where you were."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) if request.args.get("next") else url_for("web.home"))
