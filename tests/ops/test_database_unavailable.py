"""A database restart never shows a 500 page (issue 9 point 10): a read is retried once the connection is replaced,
and whatever still fails answers 503 with Retry-After. Connections are persistent with health checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

import shequyun.middleware


@pytest.fixture
def outage(monkeypatch):  # type: ignore[no-untyped-def]
    """Make the database unreachable for new connections (a wrong file / a closed port) until ``end()``."""
    original = dict(connection.settings_dict)

    class Outage:
        def start(self) -> None:
            connection.close()
            if connection.vendor == "sqlite":
                connection.settings_dict["NAME"] = "/nonexistent-folder/portal.sqlite3"
            else:
                connection.settings_dict["PORT"] = "1"  # nothing listens there: connection refused

        def end(self) -> None:
            connection.close()
            connection.settings_dict.update(original)

    trouble = Outage()
    yield trouble
    trouble.end()


def signed_in(make_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(make_user("dongming"))
    return client


def test_persistent_connections_are_health_checked():
    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True
    if db["ENGINE"].endswith("postgresql"):
        assert db["CONN_MAX_AGE"] > 0
        assert db["OPTIONS"]["connect_timeout"] <= 5


@pytest.mark.django_db(transaction=True)
def test_a_page_during_an_outage_is_a_503_with_retry_after_not_a_500(make_user, outage, monkeypatch):
    monkeypatch.setattr(shequyun.middleware.time, "sleep", lambda seconds: None)
    client = signed_in(make_user)
    outage.start()
    page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "服务暂时不可用" in page.content.decode()
    api = client.get("/api/v1/regions/")
    assert api.status_code == 503
    assert api.json()["detail"]
    write = client.post("/accounts/preferences/font-scale/", {"font_scale": 125})
    assert write.status_code == 503  # never repeated: the client resends
    outage.end()
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_read_is_retried_when_the_database_comes_back(make_user, outage, monkeypatch):
    client = signed_in(make_user)
    pauses: list[float] = []

    def database_back(seconds: float) -> None:  # the restart finishes during the pause before the retry
        pauses.append(seconds)
        outage.end()

    monkeypatch.setattr(shequyun.middleware.time, "sleep", database_back)
    outage.start()
    page = client.get("/")
    assert page.status_code == 200
    assert pauses == [settings.DATABASE_RETRY_DELAY]


def test_other_errors_are_still_a_500_page(rf):
    from shequyun.views import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert not getattr(response, "database_unavailable", False)
