"""The consumer's scan page: the phone camera through the browser's BarcodeDetector where there is one,
otherwise a photo the server decodes with ``scanner``; either way, on to the product's consumer page.

Only ever redirects to this registry's own resolver path: a decoded code is untrusted text, and
following a URL printed by whoever made the label would make the page an open redirect.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from PIL import Image

from labels.gs1.digital_link import parse_digital_link
from labels.gs1.identifiers import InvalidIdentifier
from scanner.decode import decode_image
from scanner.errors import DecodeError

bp = Blueprint("scan", __name__)

UNREADABLE = _l("This file is not a picture we can read. Try a JPEG or PNG photo.")
NOT_A_PRODUCT_CODE = _l("The code is not a product code.")
NO_CODE = _l("No code found in the photo. Hold the camera closer, in good light.")


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo of the code"), validators=[FileRequired()])


def resolver_path(text: str) -> str | None:
    """The registry's own path for a scanned code: a Digital Link's path and query, or ``/01/{gtin}``."""
    text = text.strip()
    if text.isdigit():
        text = f"https://id.gs1.org/01/{text}"
    try:
        link = parse_digital_link(text)
    except InvalidIdentifier:
        return None
    if link.primary_ai != "01":
        return None
    query = urlsplit(text).query
    return link.path() + (f"?{query}" if query else "")


def _page(form: PhotoForm, message: str | None = None, found: str | None = None, status: int = 200):
    return render_template("scan/page.html", form=form, message=message, found=found), status


@bp.get("/scan")
def page():
    return _page(PhotoForm())


@bp.post("/scan")
def photo():
    form = PhotoForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        codes = decode_image(form.photo.data.read())
    except (DecodeError, Image.DecompressionBombError):  # Pillow's own limit refuses a decompression bomb
        return _page(form, str(UNREADABLE), status=422)
    for code in codes:
        path = resolver_path(code.gtin or code.text)
        if path:
            return redirect(path, 303)
    if codes:
        return _page(form, str(NOT_A_PRODUCT_CODE), codes[0].text, 422)
    return _page(form, str(NO_CODE), status=422)


@bp.get("/scan/code")
def code():
    """Where the camera path sends a detected code's text; the same rules as a decoded photo."""
    text = request.args.get("text", "")[:2000]
    path = resolver_path(text)
    if path:
        return redirect(path, 303)
    return _page(PhotoForm(), str(NOT_A_PRODUCT_CODE), text, 422)
