"""HTML form fields for each kind's claims, derived from the claim schemas, and back again.

The form shows every claim the schema knows, with its unit; what the user types is turned into
the claims dict and validated by the same schema as the API, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import fields as mf
from marshmallow import validate

from labels.certification.claims import RecyclingComponent, claims_schema

# Field labels, Vietnamese and English; anything not listed shows its name.
LABELS: dict[str, tuple[str, str]] = {
    "label_type": ("Loại nhãn", "Label type"),
    "stars": ("Số sao", "Stars"),
    "energy_class": ("Cấp hiệu suất", "Efficiency class"),
    "annual_energy_kwh": ("Điện năng tiêu thụ hằng năm", "Annual energy use"),
    "energy_efficiency": ("Hiệu suất năng lượng", "Energy efficiency"),
    "test_standard": ("Tiêu chuẩn thử nghiệm (TCVN)", "Test standard (TCVN)"),
    "test_laboratory": ("Phòng thử nghiệm", "Test laboratory"),
    "label_level": ("Cấp nhãn carbon", "Carbon label level"),
    "declared_unit": ("Đơn vị công bố", "Declared unit"),
    "unitary_product_amount": ("Lượng sản phẩm trên một đơn vị", "Unitary product amount"),
    "pcf_excluding_biogenic": ("PCF không gồm carbon sinh học", "PCF excluding biogenic"),
    "pcf_including_biogenic": ("PCF gồm carbon sinh học", "PCF including biogenic"),
    "fossil_ghg_emissions": ("Phát thải KNK hóa thạch", "Fossil GHG emissions"),
    "characterization_factors": ("Hệ số đặc trưng IPCC", "IPCC characterisation factors"),
    "cross_sectoral_standards": ("Tiêu chuẩn áp dụng", "Standards used"),
    "boundary": ("Ranh giới hệ thống", "System boundary"),
    "reference_period_start": ("Bắt đầu kỳ tham chiếu", "Reference period start"),
    "reference_period_end": ("Kết thúc kỳ tham chiếu", "Reference period end"),
    "primary_data_share": ("Tỷ lệ dữ liệu sơ cấp", "Primary data share"),
    "reduction_percent": ("Mức giảm cam kết", "Committed reduction"),
    "assurance_level": ("Mức đảm bảo", "Assurance level"),
    "assurance_provider": ("Tổ chức thẩm tra", "Assurance provider"),
    "cpc_code": ("Mã CPC", "CPC code"),
    "recycled_content_percent": ("Hàm lượng tái chế của sản phẩm", "Recycled content of the product"),
    "name": ("Bộ phận", "Component"),
    "material": ("Vật liệu", "Material"),
    "resin_code": ("Mã nhựa (1-7)", "Resin code (1-7)"),
    "pre_consumer_recycled_percent": ("Tái chế trước tiêu dùng", "Pre-consumer recycled"),
    "post_consumer_recycled_percent": ("Tái chế sau tiêu dùng", "Post-consumer recycled"),
    "recyclability": ("Khả năng tái chế", "Recyclability"),
    "instructions_vi": ("Hướng dẫn (tiếng Việt)", "Instructions (Vietnamese)"),
    "instructions_en": ("Hướng dẫn (tiếng Anh)", "Instructions (English)"),
}
COMPONENT_ROWS = 3


@dataclass
class FormField:
    name: str
    label: str
    input: str  # text, number, select, datetime-local, checkboxes
    required: bool = False
    unit: str = ""
    choices: list[str] = field(default_factory=list)


def _field(name: str, schema_field: mf.Field, locale: str, prefix: str = "") -> FormField:
    names = LABELS.get(name, (name, name))
    label = names[1] if locale == "en" else names[0]
    unit = schema_field.metadata.get("unit", "")
    choices = []
    for validator in getattr(schema_field, "validators", []):
        if isinstance(validator, validate.OneOf):
            choices = [str(c) for c in validator.choices]
    if isinstance(schema_field, mf.List):
        inner = [v for v in schema_field.inner.validators if isinstance(v, validate.OneOf)]
        return FormField(
            prefix + name,
            label,
            "checkboxes",
            schema_field.required,
            unit,
            [str(c) for c in inner[0].choices] if inner else [],
        )
    if choices:
        kind = "select"
    elif isinstance(schema_field, mf.Integer | mf.Float):
        kind = "number"
    elif isinstance(schema_field, mf.DateTime):
        kind = "datetime-local"
    else:
        kind = "text"
    return FormField(prefix + name, label, kind, schema_field.required, unit, choices)


def claim_fields(kind: str, locale: str) -> list[FormField]:
    """The kind's top-level claims (not criteria declarations nor recycling components)."""
    schema = claims_schema(kind)()
    return [_field(n, f, locale) for n, f in schema.fields.items() if n not in ("criteria", "components")]


def component_fields(locale: str) -> list[FormField]:
    return [_field(n, f, locale) for n, f in RecyclingComponent().fields.items()]


def has_components(kind: str) -> bool:
    return "components" in claims_schema(kind)().fields


def _typed(form_field: FormField, raw: str):
    if form_field.input == "number":
        try:
            number = float(raw)
        except ValueError:
            return raw  # the schema reports it, naming the field
        return (
            int(number)
            if number.is_integer() and form_field.name.endswith(("stars", "resin_code"))
            else number
        )
    if form_field.input == "datetime-local":
        return raw if len(raw) > 16 else raw + ":00+07:00"  # the browser sends local Vietnam time
    return raw


def claims_from_form(kind: str, form, criteria_codes: list[str]) -> dict:
    """The claims dict a submitted form describes; blanks are left out for the schema to judge."""
    claims: dict = {}
    for form_field in claim_fields(kind, "en"):
        if form_field.input == "checkboxes":
            chosen = form.getlist(form_field.name)
            if chosen:
                claims[form_field.name] = chosen
            continue
        raw = (form.get(form_field.name) or "").strip()
        if raw:
            claims[form_field.name] = _typed(form_field, raw)
    if has_components(kind):
        components = []
        for row in range(COMPONENT_ROWS):
            component = {}
            for form_field in component_fields("en"):
                raw = (form.get(f"components-{row}-{form_field.name}") or "").strip()
                if raw:
                    component[form_field.name] = _typed(form_field, raw)
            if component:
                components.append(component)
        claims["components"] = components
    declarations = []
    for code in criteria_codes:
        value = (form.get(f"criterion-{code}-value") or "").strip()
        passed = form.get(f"criterion-{code}-passed")
        if value or passed:
            entry = {"code": code, "passed": passed == "yes"}
            if value:
                entry["value"] = _typed(FormField("value", "", "number"), value)
            declarations.append(entry)
    if declarations:
        claims["criteria"] = declarations
    return claims
