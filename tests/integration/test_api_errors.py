"""Bad input to the HTTP API: always a 4xx in the {"error", "detail"} contract, never a 500.

The first tests are the cases the outside probe of issue 12 found (main 855d6d1), on both
databases; then the contract itself: 422 with `fields`, unknown /api/ paths and methods
(also with Reflex's app mounted at "" the way `api_transformer` does it), the 500
catch-all, and the error body documented for every operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.routing import Mount

from booking_app.api.app import api
from booking_app.api.errors import ERROR_RESPONSES, install_error_handlers
from booking_app.api.params import MAX_ID
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import add_lesson, add_student, add_tutor

HUGE = 10**20


def _auth(user_id: int, role: str) -> dict[str, str]:
    token = open_session(user_id=user_id, role=role, now=clock.now())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client() -> TestClient:
    # raise_server_exceptions=False: a 500 is asserted as a response, like a client sees it.
    return TestClient(api, raise_server_exceptions=False)


@pytest.fixture
def people(db: str) -> dict[str, int]:
    tutor, student = add_tutor(), add_student()
    lesson = add_lesson(tutor, clock.now() + timedelta(days=2), students=(student,))
    return {"tutor": tutor, "student": student, "lesson": lesson}


def _refused(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


# ---------------------------------------------------------------- the probe's findings


@pytest.mark.parametrize("tz", ["Europe", "America", "Etc", "zone.tab", "../etc", "a/../b"])
def test_a_time_zone_region_or_path_is_refused_not_a_500(
    client: TestClient, people: dict[str, int], tz: str
) -> None:
    response = client.get("/api/v1/bookings/not-a-token", params={"tz": tz})
    body = _refused(response, 422, "validation_failed")
    assert body["fields"] == {"viewer_tz": "Choose a timezone from the list."}


@pytest.mark.parametrize("length", [65, 256, 300, 5000])
def test_an_overlong_time_zone_is_refused_not_a_500(
    client: TestClient, people: dict[str, int], length: int
) -> None:
    response = client.get("/api/v1/bookings/not-a-token", params={"tz": "a" * length})
    body = _refused(response, 422, "invalid_request")
    assert list(body["fields"]) == ["tz"]


def test_a_real_time_zone_still_labels_the_booking(
    client: TestClient, people: dict[str, int]
) -> None:
    from sqlmodel import select

    from booking_app.db import session_scope
    from booking_app.models import Booking

    with session_scope() as session:
        token = session.exec(select(Booking.booking_token)).one()
    response = client.get(f"/api/v1/bookings/{token}", params={"tz": "America/New_York"})
    assert response.status_code == 200 and response.json()["token"] == token


@pytest.mark.parametrize("lesson_id", [HUGE, MAX_ID + 1, 0, -1])
def test_lesson_ids_out_of_range_are_refused(
    client: TestClient, people: dict[str, int], lesson_id: int
) -> None:
    tutor = _auth(people["tutor"], "tutor")
    for method, path in (
        ("GET", f"/api/v1/lessons/{lesson_id}/room"),
        ("POST", f"/api/v1/lessons/{lesson_id}/invite"),
    ):
        body = _refused(client.request(method, path, headers=tutor), 422, "invalid_request")
        assert list(body["fields"]) == ["lesson_id"]


def test_the_largest_id_is_a_plain_not_found(client: TestClient, people: dict[str, int]) -> None:
    """2^63-1 fits both databases' integers: looked up, not found, no overflow."""
    response = client.get(
        f"/api/v1/lessons/{MAX_ID}/room", headers=_auth(people["student"], "student")
    )
    _refused(response, 404, "lesson_not_found")


@pytest.mark.parametrize("student_id", [HUGE, MAX_ID + 1, 0])
def test_student_ids_out_of_range_are_refused(
    client: TestClient, people: dict[str, int], student_id: int
) -> None:
    body = {"student_id": student_id, "start_local": "2030-01-07T10:00"}
    response = client.post("/api/v1/lessons", json=body, headers=_auth(people["tutor"], "tutor"))
    assert list(_refused(response, 422, "invalid_request")["fields"]) == ["student_id"]


@pytest.mark.parametrize("ttl_hours", [10**14, HUGE, 721, 0, -5])
def test_invite_ttl_out_of_range_is_refused(
    client: TestClient, people: dict[str, int], ttl_hours: int
) -> None:
    tutor = _auth(people["tutor"], "tutor")
    for path in (f"/api/v1/lessons/{people['lesson']}/invite", "/api/v1/classroom-invites"):
        response = client.post(path, params={"ttl_hours": ttl_hours}, headers=tutor)
        assert list(_refused(response, 422, "invalid_request")["fields"]) == ["ttl_hours"]


def test_invite_ttl_of_30_days_is_the_maximum(client: TestClient, people: dict[str, int]) -> None:
    response = client.post(
        "/api/v1/classroom-invites",
        params={"ttl_hours": 720},
        headers=_auth(people["tutor"], "tutor"),
    )
    assert response.status_code == 200 and response.json()["token"]


# ---------------------------------------------------------------- the contract


def test_type_errors_name_their_fields(client: TestClient, people: dict[str, int]) -> None:
    tutor = _auth(people["tutor"], "tutor")
    response = client.post("/api/v1/lessons", json={"student_id": "x"}, headers=tutor)
    body = _refused(response, 422, "invalid_request")
    assert set(body["fields"]) == {"student_id", "start_local"}
    assert body["detail"].startswith("student_id: ")
    broken = client.post(
        "/api/v1/lessons",
        content=b"{not json",
        headers={**tutor, "Content-Type": "application/json"},
    )
    assert list(_refused(broken, 422, "invalid_request")["fields"]) == ["body"]


@pytest.fixture
def with_reflex_mount() -> Iterator[None]:
    """Our app as it runs: Reflex mounts its own app at "" after our routes
    (reflex/app.py, App.__call__: `api_transformer.mount("", asgi_app)`), and that mount
    answers every path none of our routes takes."""
    reflex = PlainTextResponse("reflex page", status_code=404)
    api.router.routes.append(Mount("", app=reflex))
    try:
        yield
    finally:
        api.router.routes.pop()


def test_unknown_api_paths_and_methods_keep_the_contract(
    client: TestClient, with_reflex_mount: None
) -> None:
    _refused(client.get("/api/v1/nope"), 404, "not_found")
    _refused(client.delete("/api/nope/deeper?x=1"), 404, "not_found")
    wrong = _refused(client.post("/api/v1/me"), 405, "method_not_allowed")
    assert "GET" in wrong["detail"] and client.post("/api/v1/me").headers["allow"] == "GET"
    _refused(client.get("/api/v1/me"), 401, "unauthorized")  # real routes still answer
    assert client.get("/api/openapi.json").status_code == 200
    page = client.get("/some/page")  # not ours: Reflex's answer, untouched
    assert (page.status_code, page.text) == (404, "reflex page")


def test_an_unexpected_error_is_a_500_in_the_contract() -> None:
    app = FastAPI(responses=ERROR_RESPONSES)
    install_error_handlers(app)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/page/boom")
    def page_boom() -> None:
        raise RuntimeError("secret internals")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/api/boom")
    assert _refused(response, 500, "internal")["detail"] == (
        "Something went wrong on our side. Please try again later."
    )
    assert "secret" not in response.text
    assert client.get("/page/boom").text == "Internal Server Error"
    assert api.exception_handlers[Exception] is not None  # the real app has the handler


def test_every_operation_documents_the_error_body(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("4XX", "5XX"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
    lesson_id = document["paths"]["/api/v1/lessons/{lesson_id}/room"]["get"]["parameters"][0]
    assert lesson_id["schema"]["minimum"] == 1 and lesson_id["schema"]["maximum"] == MAX_ID
