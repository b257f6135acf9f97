"""The OpenAPI schema: generated without a single drf-spectacular warning or error, valid OpenAPI 3, served at
/api/schema/, and the interactive docs at /api/docs/ load only our own static files (they work offline)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS


def test_the_schema_generates_with_no_warning_or_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # drf-spectacular keeps its warnings per process and prints each only once: start from none, so a warning an
    # earlier test already triggered is printed (and counted) again here.
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yaml"
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    except CommandError as exc:  # the warnings themselves went to stderr
        pytest.fail(f"{exc}\n{capsys.readouterr().err}")
    assert not GENERATOR_STATS, capsys.readouterr().err

    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "RehabPlan API"
    # Every documented path is under /api/v1/: nothing outside the versioned API leaks into the schema.
    assert all(path.startswith("/api/v1/") for path in schema["paths"]), list(schema["paths"])
    # Every operation has an id (clients generate method names from them), and no two share one.
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(ids) == len(set(ids))


def test_the_schema_is_served_at_api_schema(client: Client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "RehabPlan API"
    if schema["paths"]:  # drf-spectacular lists a security scheme once an operation uses it
        assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"

    yaml_response = client.get("/api/schema/")
    assert yaml_response.status_code == 200
    assert yaml.safe_load(yaml_response.content)["openapi"] == schema["openapi"]


def test_the_docs_page_loads_only_local_files(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script, stylesheet and icon comes from our own static files (drf-spectacular-sidecar), never a CDN.
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, "the docs page references no files"
    outside = [url for url in urls if re.match(r"^(?:[a-z]+:)?//", url, re.IGNORECASE)]
    assert outside == [], f"the docs page loads files from another host: {outside}"
    assert any("/static/drf_spectacular_sidecar/" in url for url in urls)
    # Swagger UI's online validator badge would call an outside host.
    assert "validator.swagger.io" not in html
    # Its start-up script is a file of its own (the Content-Security-Policy allows no inline script), and the schema
    # URL that script fetches is ours.
    assert "<script>" not in html
    script_url = re.search(r'<script src="(/api/docs/[^"]+)"', html)
    assert script_url is not None
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert "/api/schema/" in script.content.decode()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_docs_need_no_login(client: Client, path: str) -> None:
    assert client.get(path).status_code == 200
