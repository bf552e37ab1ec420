"""Web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    pass


class ProductImportForm(FlaskForm):
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])


class CatalogueFilterForm(FlaskForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind"), validate_choice=False)
    status = SelectField(
        _l("Status"),
        validate_choice=False,
        choices=[
            ("", "—"),
            ("active", _l("active")),
            ("suspended", _l("suspended")),
            ("withdrawn", _l("withdrawn")),
            ("expired", _l("expired")),
        ],
    )
    sector = SelectField(_l("Sector"), validate_choice=False)
    district = SelectField(_l("District"), validate_choice=False)
    gtin = StringField("GTIN", validators=[Optional(), Length(max=14)])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    override_reason = TextAreaField(_l("Override reason"), validators=[Optional(), Length(max=2000)])


class EvidenceForm(FlaskForm):
    file = FileField(_l("Evidence file"), validators=[FileRequired()])
