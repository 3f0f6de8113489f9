"""Corrections applied in memory to Fiken's ``openapi.yaml`` before the fake validates with it.

The spec file itself is never edited. Each entry fixes a defect that would make openapi-core
reject traffic Fiken really sends or accepts, and says why.
"""

from __future__ import annotations

from typing import Any


def _bearer_security(spec: dict[str, Any]) -> None:
    # The spec declares only an OAuth2 scheme, which openapi-core cannot check (it warns on
    # every request). Fiken accepts personal API tokens and OAuth access tokens alike as
    # `Authorization: Bearer ...`, which is exactly an HTTP bearer scheme.
    schemes = spec.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["fiken_api_oauth"] = {"type": "http", "scheme": "bearer"}


def _string_status_codes(spec: dict[str, Any]) -> None:
    # Some responses are keyed with bare YAML integers (e.g. `201:` on createInboxDocument);
    # OpenAPI requires string keys and openapi-core does not match integer ones.
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                operation["responses"] = {str(k): v for k, v in operation["responses"].items()}


OVERLAY = (_bearer_security, _string_status_codes)


def apply_overlay(spec: dict[str, Any]) -> dict[str, Any]:
    for patch in OVERLAY:
        patch(spec)
    return spec
