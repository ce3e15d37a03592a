"""Settings: the allowed origins (PUBLIC_URL's origin + CORS_ORIGINS) and their checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from booking_app.config import load_settings, origin_of


def _settings(tmp_path: Path, **env: str) -> tuple[str, ...]:
    base = {"DATA_DIR": str(tmp_path), "SECRET_KEY": "k"}
    return load_settings({**base, **env}).allowed_origins


def test_allowed_origins_are_public_url_then_cors_origins(tmp_path: Path) -> None:
    assert _settings(tmp_path) == ("http://localhost:3000",)
    assert _settings(tmp_path, PORT="8080") == ("http://localhost:8080",)
    allowed = _settings(
        tmp_path,
        PUBLIC_URL="https://Tutor.Example.com:443/",
        CORS_ORIGINS=" https://admin.example.com ,http://localhost:5173,https://tutor.example.com",
    )
    assert allowed == (
        "https://tutor.example.com",
        "https://admin.example.com",
        "http://localhost:5173",
    )


@pytest.mark.parametrize(
    "bad", ["*", "https://a.example/app", "ftp://a.example", "a.example", "null", "http://a:99999"]
)
def test_a_cors_origin_must_be_exactly_an_origin(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="CORS_ORIGINS: .* is not an origin like https://"):
        _settings(tmp_path, CORS_ORIGINS=f"https://ok.example,{bad}")


def test_origin_of_matches_what_browsers_send() -> None:
    assert origin_of("HTTP://LOCALHOST:80/home") == "http://localhost"
    assert origin_of("http://[::1]:3000") == "http://[::1]:3000"
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        origin_of("localhost:3000")
