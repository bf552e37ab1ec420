"""The ecoreg console: accounts, tokens, organisations, product imports, demo data."""

from sqlalchemy import func, select

from labels.gs1.identifiers import make_gtin
from labels.registry.taxcode import make_tax_code
from labels.registry.tokens import resolve_token
from models import AuditEntry, Organisation, Product, User
from tests.helpers import make_org


def test_orgs_users_and_tokens_from_the_console(runner, session):
    tax_code = make_tax_code("360099901")
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "--kind",
            "retailer",
            "--name",
            "Siêu thị Biên Hòa",
            "--tax-code",
            tax_code,
            "--district",
            "bien-hoa",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "ql@sieuthi.vn",
            "--password",
            "mat-khau-dai-du",
            "--role",
            "retailer",
            "--org",
            tax_code,
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["tokens", "create", "--email", "ql@sieuthi.vn", "--scope", "products:read"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    token = resolve_token(session, secret)
    assert token.scopes == ["products:read"]
    assert token.user.memberships[0].organisation.tax_code == tax_code
    channels = set(session.scalars(select(AuditEntry.channel).where(AuditEntry.target_type == "user")))
    assert channels == {"cli"}


def test_console_errors_name_the_field_and_exit_non_zero(runner, session):
    result = runner.invoke(args=["orgs", "create", "--kind", "retailer", "--name", "X", "--tax-code", "123"])
    assert result.exit_code == 1
    assert "tax_code" in result.output and "[format]" in result.output
    assert (
        session.scalar(select(func.count()).select_from(Organisation).where(Organisation.legal_name == "X"))
        == 0
    )


def test_a_products_import_with_a_bad_row_imports_nothing(runner, session, tmp_path):
    enterprise = make_org(session, "enterprise", sector="seafood")
    prefix = enterprise.gs1_company_prefix
    good = make_gtin(prefix, 2)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    path = tmp_path / "products.csv"
    path.write_text(
        f"gtin,name_vi,sector\n{make_gtin(prefix, 1)},Cá tra phi lê,seafood\n{bad},Tôm thẻ,seafood\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["products", "import", str(path), "--org", enterprise.tax_code])
    assert result.exit_code == 1
    assert "row 3, gtin" in result.output and "[check-digit]" in result.output
    count = session.scalar(
        select(func.count()).select_from(Product).where(Product.holder_id == enterprise.id)
    )
    assert count == 0

    path.write_text(f"gtin,name_vi,sector\n{make_gtin(prefix, 1)},Cá tra phi lê,seafood\n", encoding="utf-8")
    result = runner.invoke(args=["products", "import", str(path), "--org", enterprise.tax_code])
    assert result.exit_code == 0, result.output
    assert "imported 1 products" in result.output


def test_seed_demo_fills_an_empty_database_once(runner, session):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@ecoreg.demo" in result.output
    enterprises = session.scalars(select(Organisation).where(Organisation.kind == "enterprise")).all()
    assert len(enterprises) >= 12
    assert len({e.sector for e in enterprises}) >= 9
    assert len({e.district for e in enterprises}) >= 6
    assert (
        session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind == "retailer"))
        == 3
    )
    assert session.scalar(select(func.count()).select_from(User)) >= 15
    assert all(p.gtin.startswith("0893") for p in session.scalars(select(Product)))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing seeded" in again.output


def test_serials_are_issued_from_the_console_once_per_key(runner, session):
    from labels.codes.lots import create_lot
    from labels.registry.permissions import CONSOLE
    from models import Serial
    from tests.helpers import make_label, make_product, make_scheme, make_user

    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    product = make_product(session, enterprise, published=True)
    make_label(
        session,
        make_user(session, enterprise, "enterprise"),
        make_scheme(session, certifier),
        [product],
        make_user(session, certifier, "certifier"),
    )
    lot = create_lot(session, CONSOLE, product.gtin, "CLI1")
    session.flush()
    for _ in range(2):
        result = runner.invoke(
            args=["serials", "issue", "--lot", str(lot.id), "--count", "40", "--key", "k1"]
        )
        assert result.exit_code == 0, result.output
        assert "40 serials" in result.output
    assert session.scalar(select(func.count()).select_from(Serial).where(Serial.lot_id == lot.id)) == 40
    refused = runner.invoke(args=["serials", "issue", "--lot", str(lot.id), "--count", "5", "--key", "k1"])
    assert refused.exit_code == 1 and "idempotency key" in refused.output
