"""A carbon label as a PACT ProductFootprint (Pathfinder Technical Specifications v2).

The registry's carbon claims hold the PACT essentials; this fills in the document around them so
that a buyer's PACT-conformant system can read our data as it reads any other footprint.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from labels.certification.workflow import effective_status
from labels.errors import InvalidInput
from models import Label, utcnow

SPEC_VERSION = "2.2.0"
# Stable ids: the same label always exports under the same ProductFootprint id.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://ecoreg.dongnai.gov.vn/pact")


def _decimal(value: float) -> str:
    # PACT carries decimals as strings, to keep their precision across systems.
    return format(Decimal(str(value)).normalize(), "f")


def _instant(value: str | datetime) -> str:
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return instant.isoformat().replace("+00:00", "Z")


def product_footprint(label: Label, now: datetime | None = None) -> dict:
    if label.kind_code != "carbon":
        raise InvalidInput.one(
            "label_number", "carbon-label", "only carbon labels export as a PACT footprint"
        )
    claims = label.claims
    status = effective_status(label, now or utcnow())
    pcf = {
        "declaredUnit": claims["declared_unit"],
        "unitaryProductAmount": _decimal(claims["unitary_product_amount"]),
        "pCfExcludingBiogenic": _decimal(claims["pcf_excluding_biogenic"]),
        "pCfIncludingBiogenic": _decimal(claims["pcf_including_biogenic"]),
        "fossilGhgEmissions": _decimal(claims["fossil_ghg_emissions"]),
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": "0",
        "characterizationFactors": claims["characterization_factors"],
        "ipccCharacterizationFactorsSources": [claims["characterization_factors"]],
        "crossSectoralStandardsUsed": claims["cross_sectoral_standards"],
        "productOrSectorSpecificRules": [],
        "boundaryProcessesDescription": claims["boundary"],
        "referencePeriodStart": _instant(claims["reference_period_start"]),
        "referencePeriodEnd": _instant(claims["reference_period_end"]),
        "exemptedEmissionsPercent": 0,
        "exemptedEmissionsDescription": "",
        "packagingEmissionsIncluded": True,
        "primaryDataShare": claims["primary_data_share"],
    }
    if claims.get("assurance_level"):
        pcf["assurance"] = {
            "assurance": True,
            "coverage": "product line",
            "level": claims["assurance_level"],
            "providerName": claims.get("assurance_provider", ""),
        }
    return {
        "id": str(uuid.uuid5(_NAMESPACE, label.label_number)),
        "specVersion": SPEC_VERSION,
        "version": label.version,
        "created": _instant(label.issued_at),
        "status": "Active" if status == "active" else "Deprecated",
        "statusComment": label.status_reason or f"ecoreg label {label.label_number} is {status}",
        "validityPeriodStart": _instant(label.valid_from),
        "validityPeriodEnd": _instant(label.valid_until),
        "companyName": label.holder.legal_name,
        "companyIds": [f"urn:pathfinder:company:customcode:vendor-assigned:vn-tax-{label.holder.tax_code}"],
        "productDescription": "; ".join(p.name_en or p.name_vi for p in label.products),
        "productIds": [f"urn:gtin:{p.gtin}" for p in label.products],
        "productCategoryCpc": claims.get("cpc_code", ""),
        "productNameCompany": "; ".join(p.name_vi for p in label.products),
        "comment": f"Certified under {label.scheme.code}, criteria version {label.criteria_set.version}",
        "pcf": pcf,
    }
