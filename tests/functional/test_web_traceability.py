"""The portals' traceability page: publishing events or not, importing a spreadsheet with its errors
listed, and nobody but capturing members let in."""

import io

import pytest
from sqlalchemy import func, select

from labels.traceability.event_columns import template_csv
from models import EpcisEvent
from tests.functional.test_web_lots import csrf_token, login
from tests.helpers import make_org, make_user

PAGE = "/portal/traceability"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def mill(session):
    org = make_org(session, "enterprise")
    user = make_user(session, org, "enterprise")
    session.flush()
    return {"org": org, "user": user}


def events(session):
    return session.scalar(select(func.count()).select_from(EpcisEvent))


def test_a_member_publishes_and_unpublishes_the_organisations_events(csrf_app, client, session, mill):
    login(client, mill["user"])
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="events-public"' in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    assert (
        client.post(f"{PAGE}/visibility", data={"csrf_token": token, "events_public": "y"}).status_code == 302
    )
    session.refresh(mill["org"])
    assert mill["org"].events_public is True
    client.post(f"{PAGE}/visibility", data={"csrf_token": token})
    session.refresh(mill["org"])
    assert mill["org"].events_public is False
    # Without the form's token nothing changes.
    client.post(f"{PAGE}/visibility", data={"events_public": "y"})
    session.refresh(mill["org"])
    assert mill["org"].events_public is False


def test_the_template_imports_and_a_bad_file_lists_its_rows(client, session, mill):
    login(client, mill["user"])
    good = client.post(
        f"{PAGE}/import",
        data={"file": (io.BytesIO(template_csv()), "events.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    assert events(session) == 4
    listed = client.get(PAGE).get_data(as_text=True)
    assert all(kind in listed for kind in ("ObjectEvent", "TransformationEvent", "AggregationEvent"))
    bad = template_csv().decode("utf-8-sig").replace("shipping", "shiping").encode()
    refused = client.post(
        f"{PAGE}/import", data={"file": (io.BytesIO(bad), "bad.csv")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 422
    assert 'id="events-import-errors"' in refused.get_data(as_text=True)
    assert "shipping" in refused.get_data(as_text=True)  # the suggestion
    assert events(session) == 4


def test_only_enterprise_and_retailer_members_have_the_page(client, session):
    certifier = make_user(session, make_org(session, "certifier"), "certifier")
    session.flush()
    assert client.get(PAGE).status_code in (302, 401)
    login(client, certifier)
    assert client.get(PAGE).status_code == 404
