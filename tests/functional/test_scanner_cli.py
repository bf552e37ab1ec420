"""``python -m scanner`` against the real registry: verify and audit, tables, reports, exit codes."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

import pytest
from click.testing import CliRunner
from PIL import Image

from scanner.cli import main
from tests.unit.scanner.scanner_app import BASE, jwks, make_world, opener_for, qr_png
from tests.unit.scanner.scanner_pictures import Placement, ean13, jpeg_bytes, photo


@pytest.fixture
def world(client, session):
    return make_world(client, session)


@pytest.fixture
def files(client, world, tmp_path):
    """The bundle and the pin as a warehouse tablet would hold them, and two photos of the shelf."""
    (tmp_path / "bundle.json").write_bytes(client.get("/api/v1/trust-bundle").data)
    (tmp_path / "jwks.json").write_text(json.dumps(jwks(client)), encoding="utf-8")
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    codes = [Image.open(io.BytesIO(qr_png(client, world, item))) for item in world.items[:2]]
    two = photo(
        [(codes[0], Placement((300, 300), 210, 14, 0.2)), (codes[1], Placement((900, 380), 220, -38, 0.25))],
        seed=5,
    )
    (shelf / "a-two-codes.jpg").write_bytes(jpeg_bytes(two))
    (shelf / "b-barcode.jpg").write_bytes(
        jpeg_bytes(photo([(ean13(world.product.gtin[1:]), Placement((640, 360), 320, 5))], seed=6))
    )
    (shelf / "c-empty.jpg").write_bytes(jpeg_bytes(photo([], seed=7)))
    (shelf / "notes.txt").write_text("not a photo", encoding="utf-8")
    return tmp_path


@pytest.fixture
def network(client):
    """The scanner's urllib requests to http://localhost answered by the app (nothing else reachable)."""
    opener, handler = opener_for(client)
    urllib.request.install_opener(opener)
    yield handler
    urllib.request.install_opener(None)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def offline(files) -> list[str]:
    return ["--bundle", str(files / "bundle.json"), "--pin", str(files / "jwks.json")]


def read_csv(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_verify_a_photo_and_a_url_offline(files, world):
    report = files / "out.csv"
    result = run(
        "verify",
        *offline(files),
        "--report",
        str(report),
        str(files / "shelf" / "a-two-codes.jpg"),
        world.uris[2],
    )
    assert result.exit_code == 0, result.output
    assert "3 mã: 3 hợp lệ, 0 không đạt" in result.stdout and "tỷ lệ đạt 100.0%" in result.stdout
    assert "gói tin cậy của http://localhost" in result.stderr
    rows = read_csv(report)
    assert [row["verdict"] for row in rows] == ["valid"] * 3
    assert [row["code"] for row in rows] == world.uris
    assert rows[0]["source"] == str(files / "shelf" / "a-two-codes.jpg") and rows[0]["format"] == "QRCode"
    assert rows[2]["source"] == world.uris[2] and rows[2]["format"] == ""
    assert rows[0]["labels"] == f"{world.label.label_number}:active"
    assert rows[0]["genuine"] == "true" and rows[0]["checked"] == "offline"
    assert rows[0]["message"] == "Sản phẩm đã đăng ký và nhãn sinh thái còn hiệu lực."
    assert float(rows[0]["bundle_age_hours"]) < 0.1


def test_a_forged_code_fails_the_run(files, world):
    forged = world.uris[0][:-6] + "AAAAAA"
    report = files / "out.json"
    result = run("verify", *offline(files), "--lang", "en", "--report", str(report), world.uris[1], forged)
    assert result.exit_code == 1
    assert (
        "forged" in result.stdout
        and "This code was not signed by the registry: it is forged." in result.stdout
    )
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["summary"] | {"by_verdict": None} == {
        "total": 2,
        "valid": 1,
        "failed": 1,
        "undecided": 0,
        "percent": 50.0,
        "by_verdict": None,
    }
    assert document["summary"]["by_verdict"] == {"forged": 1, "valid": 1}
    assert [r["verdict"] for r in document["results"]] == ["valid", "forged"]
    assert document["results"][1]["genuine"] is False and document["results"][1]["message"].endswith(
        "forged."
    )
    assert document["bundle"]["issuer"] == BASE and document["bundle"]["log_size"] >= 1


def test_a_barcode_needs_the_registry_and_online_it_gets_it(files, world, network):
    barcode = str(files / "shelf" / "b-barcode.jpg")
    undecided = run("verify", *offline(files), "--lang", "en", barcode)
    assert undecided.exit_code == 3 and "needs-online-check" in undecided.stdout
    checked = run("verify", *offline(files), "--online", "--lang", "en", barcode, "4006381333931")
    assert checked.exit_code == 1, checked.output  # the second GTIN is not registered
    assert "valid" in checked.stdout and "not-registered" in checked.stdout
    assert network.requests == [f"/01/{world.product.gtin}", "/01/04006381333931"]


def test_audit_a_shelf_csv(files, world):
    shelf = files / "shelf.csv"
    forged = world.uris[1].replace("/10/2611A/", "/10/2611B/")
    shelf.write_text(
        "kệ,mã,sản phẩm\n"
        f"A1,{world.uris[0]},Túi vải\n"
        f"A2,{forged},Túi vải\n"
        f"A3,{world.product.gtin},Túi vải\n"
        "A4,,Hộp giấy\n"
        "A5,https://shop.example/p/1,Khác\n",
        encoding="utf-8-sig",
    )
    report = files / "audit.csv"
    result = run("audit", *offline(files), "--report", str(report), "--lang", "en", str(shelf))
    assert result.exit_code == 1
    assert "5 codes: 1 valid, 3 failed, 1 need an online check; compliance 20.0%" in result.stdout
    rows = read_csv(report)
    assert [(r["source"], r["verdict"], r["kệ"]) for r in rows] == [
        ("shelf.csv:2", "valid", "A1"),
        ("shelf.csv:3", "forged", "A2"),
        ("shelf.csv:4", "needs-online-check", "A3"),
        ("shelf.csv:5", "no-code", "A4"),
        ("shelf.csv:6", "not-an-ecoreg-code", "A5"),
    ]
    assert rows[0]["sản phẩm"] == "Túi vải" and rows[3]["message"] == "No code could be read."


def test_scanned_text_cannot_drive_the_terminal_or_the_spreadsheet(files):
    shelf = files / "shelf.csv"
    shelf.write_text('code\n"=HYPERLINK(""http://evil.example"")"\n"\x1b[2Jcleared"\n', encoding="utf-8")
    report = files / "audit.csv"
    result = run("audit", *offline(files), "--report", str(report), str(shelf))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\N{REPLACEMENT CHARACTER}[2Jcleared" in result.stdout
    rows = read_csv(report)
    assert rows[0]["code"] == '\'=HYPERLINK("http://evil.example")'
    assert [row["verdict"] for row in rows] == ["not-an-ecoreg-code", "not-an-ecoreg-code"]


def test_audit_a_folder_of_photos(files):
    report = files / "audit.json"
    result = run("audit", *offline(files), "--report", str(report), str(files / "shelf"))
    assert result.exit_code == 1  # the empty photo
    assert "kiểm tra" in result.stderr  # the progress bar's label
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert [(r["source"], r["verdict"]) for r in results] == [
        ("a-two-codes.jpg", "valid"),
        ("a-two-codes.jpg", "valid"),
        ("b-barcode.jpg", "needs-online-check"),
        ("c-empty.jpg", "no-code"),
    ]
    assert results[2]["format"] == "EAN13" and len(results[0]["position"]) == 4


def test_fetch_then_verify_offline(files, world, network):
    saved = files / "fresh.json"
    fetched = run("fetch", "--registry", BASE, "--pin", str(files / "jwks.json"), "--out", str(saved))
    assert fetched.exit_code == 0, fetched.output
    assert network.requests == ["/api/v1/trust-bundle"]
    result = run("verify", "--bundle", str(saved), "--pin", str(files / "jwks.json"), world.uris[0])
    assert result.exit_code == 0
    online = run("verify", "--registry", BASE, "--pin", str(files / "jwks.json"), "--online", world.uris[0])
    assert online.exit_code == 0 and network.requests[-1].startswith(f"/01/{world.product.gtin}/")


def test_a_bundle_needs_a_pin_and_the_right_one(files, world):
    unpinned = run("verify", "--bundle", str(files / "bundle.json"), world.uris[0])
    assert unpinned.exit_code == 2 and "proves nothing" in unpinned.output
    stranger = '{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
    wrong = run("verify", "--bundle", str(files / "bundle.json"), "--pin", stranger, world.uris[0])
    assert wrong.exit_code == 4 and "not a pinned registry key" in wrong.stderr
    neither = run("verify", "--pin", str(files / "jwks.json"), world.uris[0])
    assert neither.exit_code == 2 and "--bundle FILE or --registry URL" in neither.output
    bad_report = run("verify", *offline(files), "--report", str(files / "out.txt"), world.uris[0])
    assert bad_report.exit_code == 2 and ".csv or .json" in bad_report.output


def test_an_unreachable_registry_is_told_in_one_sentence(files, world, network):
    result = run(
        "verify", "--registry", "http://registry.invalid", "--pin", str(files / "jwks.json"), world.uris[0]
    )
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        "error: cannot reach http://registry.invalid/api/v1/trust-bundle: no route to registry.invalid"
    )
