"""The OpenAPI document is the contract: 3.1, every /api/v1 route with a typed answer
(a named schema, never a bare object), the error body on every operation, Swagger UI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from booking_app.api.app import api


def _document() -> dict:  # type: ignore[type-arg]
    return TestClient(api).get("/api/openapi.json").json()


def test_every_operation_has_a_typed_answer_and_the_error_body() -> None:
    document = _document()
    assert document["openapi"].startswith("3.1")
    untyped = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert responses["4XX"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }, name
            success = [code for code in responses if code.startswith("2")]
            assert success, name
            for code in success:
                if code == "204":
                    continue
                content = responses[code]["content"]
                if "text/csv" in content and "application/json" not in content:
                    continue  # an export: typed by its media type (Excel-safe CSV)
                schema = content["application/json"]["schema"]
                refs = [schema] if "$ref" in schema else schema.get("anyOf", [])
                if not refs or not all("$ref" in ref for ref in refs):
                    untyped.append(f"{name} {code}: {schema}")
            if operation.get("requestBody"):
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert "$ref" in body, name
    assert not untyped, untyped


def test_request_bodies_have_examples() -> None:
    schemas = _document()["components"]["schemas"]
    for name in ("Credentials", "RefreshRequest", "NewTokenIn", "NewUser", "SubjectIn"):
        assert schemas[name].get("examples"), name


def test_swagger_ui() -> None:
    page = TestClient(api).get("/api/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "/api/openapi.json" in page.text
