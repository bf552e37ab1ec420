"""Kind-specific claims on a label, each validated by its own marshmallow schema, with units.

Every kind may also carry ``criteria``: the applicant's declaration per criterion (a value and
whether it passes), which yes/no criteria are judged on. Kinds an administrator adds use the
green schema: declared values and pass/fail per criterion.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from labels.common.validation import invalid_input, tagged

PACT_DECLARED_UNITS = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
)
CROSS_SECTORAL_STANDARDS = ("ISO 14067", "GHG Protocol Product standard", "ISO 14083", "PEF")
PERCENT = validate.Range(min=0, max=100)
NOT_NEGATIVE = validate.Range(min=0)


def _unit(unit: str, description: str = "") -> dict:
    return {"metadata": {"unit": unit, "description": f"{description} ({unit})".strip()}}


class CriterionDeclaration(Schema):
    class Meta:
        unknown = RAISE

    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    value = fields.Float(
        allow_none=True, metadata={"description": "the declared value, in the criterion's unit"}
    )
    passed = fields.Boolean(allow_none=True, metadata={"description": "the applicant's own pass/fail"})


class ClaimsSchema(Schema):
    class Meta:
        unknown = RAISE

    criteria = fields.List(fields.Nested(CriterionDeclaration), load_default=list)

    @validates_schema
    def _criteria_once(self, data, **kwargs):
        codes = [c["code"] for c in data.get("criteria", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError(tagged("unique", "each criterion is declared once"), "criteria")


class GreenClaims(ClaimsSchema):
    criteria = fields.List(
        fields.Nested(CriterionDeclaration), required=True, validate=validate.Length(min=1)
    )


class EnergyClaims(ClaimsSchema):
    label_type = fields.String(required=True, validate=validate.OneOf(("comparative", "endorsement")))
    stars = fields.Integer(
        validate=validate.Range(min=1, max=5), metadata={"description": "comparative label: 1-5"}
    )
    energy_class = fields.String(validate=validate.Length(max=10))
    annual_energy_kwh = fields.Float(
        required=True, validate=NOT_NEGATIVE, **_unit("kWh/year", "annual energy use")
    )
    energy_efficiency = fields.Float(validate=NOT_NEGATIVE, metadata={"description": "e.g. CSPF, lm/W"})
    test_standard = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^TCVN \d{3,5}(-\d+)*:\d{4}$", error=tagged("tcvn", "a TCVN standard, e.g. TCVN 7830:2021")
        ),
    )
    test_laboratory = fields.String(required=True, validate=validate.Length(min=2, max=200))

    @validates_schema
    def _stars_match_type(self, data, **kwargs):
        if data.get("label_type") == "comparative" and "stars" not in data:
            raise ValidationError(tagged("required", "a comparative label states its stars (1-5)"), "stars")
        if data.get("label_type") == "endorsement" and "stars" in data:
            raise ValidationError(tagged("forbidden", "an endorsement label has no stars"), "stars")


class CarbonClaims(ClaimsSchema):
    label_level = fields.String(required=True, validate=validate.OneOf(("measured", "reducing", "neutral")))
    declared_unit = fields.String(required=True, validate=validate.OneOf(PACT_DECLARED_UNITS))
    unitary_product_amount = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    pcf_excluding_biogenic = fields.Float(
        required=True, validate=NOT_NEGATIVE, **_unit("kg CO2e / declared unit", "PCF excluding biogenic")
    )
    pcf_including_biogenic = fields.Float(
        required=True, **_unit("kg CO2e / declared unit", "PCF including biogenic; may be negative")
    )
    fossil_ghg_emissions = fields.Float(
        required=True, validate=NOT_NEGATIVE, **_unit("kg CO2e / declared unit")
    )
    characterization_factors = fields.String(required=True, validate=validate.OneOf(("AR5", "AR6")))
    cross_sectoral_standards = fields.List(
        fields.String(validate=validate.OneOf(CROSS_SECTORAL_STANDARDS)),
        required=True,
        validate=validate.Length(min=1),
    )
    boundary = fields.String(required=True, validate=validate.OneOf(("cradle-to-gate", "cradle-to-grave")))
    # A time without an offset is read as UTC: comparing it with one that has an offset would fail,
    # and PACT carries reference periods in UTC.
    reference_period_start = fields.AwareDateTime(required=True, default_timezone=UTC)
    reference_period_end = fields.AwareDateTime(required=True, default_timezone=UTC)
    primary_data_share = fields.Float(required=True, validate=PERCENT, **_unit("%"))
    reduction_percent = fields.Float(validate=PERCENT, **_unit("%", "committed reduction, for 'reducing'"))
    assurance_level = fields.String(validate=validate.OneOf(("limited", "reasonable")))
    assurance_provider = fields.String(validate=validate.Length(max=200))
    cpc_code = fields.String(validate=validate.Regexp(r"^\d{1,5}$"), metadata={"description": "UN CPC code"})

    @validates_schema
    def _period_and_level(self, data, **kwargs):
        start, end = data.get("reference_period_start"), data.get("reference_period_end")
        if start and end and end <= start:
            raise ValidationError(
                tagged("after-start", "the reference period must end after it starts"), "reference_period_end"
            )
        if data.get("label_level") == "reducing" and "reduction_percent" not in data:
            raise ValidationError(
                tagged("required", "a 'reducing' label states its reduction"), "reduction_percent"
            )
        # PACT: the PCF excluding biogenic is fossil emissions plus land-use change, never less.
        if data.get("fossil_ghg_emissions", 0) > data.get("pcf_excluding_biogenic", float("inf")):
            raise ValidationError(
                tagged("at-most-pcf", "fossil emissions cannot exceed the PCF excluding biogenic"),
                "fossil_ghg_emissions",
            )


class RecyclingComponent(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    material = fields.String(required=True, validate=validate.Length(min=1, max=100))
    resin_code = fields.Integer(
        validate=validate.Range(min=1, max=7), metadata={"description": "plastics 1-7"}
    )
    pre_consumer_recycled_percent = fields.Float(load_default=0.0, validate=PERCENT, **_unit("%"))
    post_consumer_recycled_percent = fields.Float(load_default=0.0, validate=PERCENT, **_unit("%"))
    recyclability = fields.String(
        required=True, validate=validate.OneOf(("recyclable", "recyclable-with-conditions", "not-recyclable"))
    )
    instructions_vi = fields.String(load_default="", validate=validate.Length(max=500))
    instructions_en = fields.String(load_default="", validate=validate.Length(max=500))

    @validates_schema
    def _recycled_content_fits(self, data, **kwargs):
        if data.get("pre_consumer_recycled_percent", 0) + data.get("post_consumer_recycled_percent", 0) > 100:
            raise ValidationError(
                tagged(
                    "sum-at-most-100", "pre- and post-consumer recycled content add up to more than 100 %"
                ),
                "post_consumer_recycled_percent",
            )


class RecyclingClaims(ClaimsSchema):
    components = fields.List(
        fields.Nested(RecyclingComponent), required=True, validate=validate.Length(min=1)
    )
    recycled_content_percent = fields.Float(
        required=True, validate=PERCENT, **_unit("%", "recycled content of the whole product by weight")
    )


CLAIM_SCHEMAS: dict[str, type[ClaimsSchema]] = {
    "green": GreenClaims,
    "energy": EnergyClaims,
    "carbon": CarbonClaims,
    "recycling": RecyclingClaims,
}


def claims_schema(kind: str) -> type[ClaimsSchema]:
    return CLAIM_SCHEMAS.get(kind, GreenClaims)


def validate_claims(kind: str, claims: dict, partial: bool = False) -> dict:
    """Claims as stored (JSON-ready), or :class:`InvalidInput` naming each ``claims.<field>`` and rule.

    ``partial`` lets a draft be saved half-filled; submitting checks the whole set.
    """
    schema = claims_schema(kind)()
    try:
        loaded = schema.load(claims or {}, partial=partial)
    except ValidationError as exc:
        raise invalid_input(exc.messages, "claims") from None
    return schema.dump(loaded)
