"""Spec validation: violations recorded and answered 400, the fake's own responses checked."""

from __future__ import annotations

import logging

import pytest
import requests

from django_fiken.testing import FakeFiken, SpecError
from django_fiken.testing.handlers import all_routes, base
from django_fiken.testing.http import FakeResponse
from django_fiken.testing.overlay import apply_overlay
from django_fiken.testing.spec import load_openapi, operations

from .conftest import COMPANY, TOKEN, make_fake


def test_every_spec_operation_has_a_route(settings):
    spec = operations(load_openapi(settings.FIKEN["OPENAPI_SPEC"]))
    routed = {(r.method, r.template): r.operation_id for r in all_routes()}
    assert {k: v["operationId"] for k, v in spec.items()} == routed
    assert len(routed) == 152


def test_invalid_request_is_400_in_fiken_format_and_recorded(api):
    fake = make_fake()
    with fake.mock():
        response = api.post(
            f"{COMPANY}/contacts",
            json={"email": "no-name@example.com"},
            headers={"X-Request-ID": "req-1"},
        )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request"
    assert "'name' is a required property" in body["error_description"]
    assert {"message": "'name' is a required property"} in body["messages"]
    (violation,) = fake.violations
    assert (violation.method, violation.request_id) == ("POST", "req-1")
    with pytest.raises(AssertionError, match="name' is a required property"):
        fake.assert_no_violations()
    assert fake.store("fiken-demo-as").contacts == {}


def test_read_only_fields_in_a_request_are_violations(api):
    fake = make_fake()
    with fake.mock():
        response = api.post(f"{COMPANY}/contacts", json={"name": "X", "contactId": 5})
    assert response.status_code == 400
    assert "read-only" in fake.violations[0].messages[-1]


def test_bad_query_parameter_types_are_violations(api):
    fake = make_fake()
    with fake.mock():
        assert api.get(f"{COMPANY}/invoices", params={"customerId": "abc"}).status_code == 400
        assert (
            api.get(f"{COMPANY}/contacts", params={"lastModifiedGe": "01.02.2024"}).status_code
            == 400
        )
    assert len(fake.violations) == 2


def test_unknown_path_and_method(fake, api):
    assert api.get(f"{COMPANY}/nothing-here").status_code == 404
    assert api.delete(f"{COMPANY}/invoices/1").status_code == 405


def test_invalid_response_from_the_fake_raises_loudly(api, monkeypatch):
    fake = make_fake()
    route = base._ROUTES[("GET", "/companies/{companySlug}/contacts/{contactId}")]
    broken = base.Route(
        route.method,
        route.template,
        route.operation_id,
        lambda ctx: FakeResponse.json({"contactId": "not-an-int", "name": 1}),
        route.regex,
        route.specificity,
    )
    monkeypatch.setitem(base._ROUTES, ("GET", route.template), broken)
    with fake.mock(), pytest.raises(SpecError, match="breaks the spec"):
        api.get(f"{COMPANY}/contacts/1")
    assert fake.response_errors
    with pytest.raises(AssertionError, match="invalid response from the fake"):
        fake.assert_no_violations()


def test_undeclared_success_status_is_a_fake_bug(api, monkeypatch):
    fake = make_fake()
    route = base._ROUTES[("GET", "/user")]
    monkeypatch.setitem(
        base._ROUTES,
        ("GET", "/user"),
        base.Route(
            "GET", "/user", "getUser", lambda ctx: FakeResponse(202), route.regex, route.specificity
        ),
    )
    with fake.mock(), pytest.raises(SpecError, match="202 is not declared"):
        api.get("https://api.fiken.no/api/v2/user")


def test_without_a_spec_validation_is_off_and_says_so(caplog, settings, monkeypatch):
    monkeypatch.delenv("FIKEN_OPENAPI_SPEC", raising=False)
    settings.FIKEN = {**settings.FIKEN, "OPENAPI_SPEC": None}
    with caplog.at_level(logging.WARNING, logger="django_fiken.testing"):
        fake = FakeFiken(rate_limit=None)
    assert fake.validator is None
    assert "NOT validated" in caplog.text
    fake.add_company("acme-as")
    fake.add_personal_token("t", companies=["acme-as"])
    with fake.mock():
        # Invalid per the spec, but nobody checks: the handler's own 400 answers.
        response = requests.post(
            "https://api.fiken.no/api/v2/companies/acme-as/contacts",
            json={"email": "x"},
            headers={"Authorization": "Bearer t"},
        )
    assert response.status_code == 400
    assert fake.violations == []


def test_validate_false_turns_validation_off(settings):
    fake = FakeFiken(spec_path=settings.FIKEN["OPENAPI_SPEC"], validate=False)
    assert fake.validator is None


def test_spec_is_loaded_once_per_process(settings):
    assert load_openapi(settings.FIKEN["OPENAPI_SPEC"]) is load_openapi(
        settings.FIKEN["OPENAPI_SPEC"]
    )


def test_overlay_fixes_security_scheme_and_integer_status_keys():
    spec = {
        "components": {"securitySchemes": {"fiken_api_oauth": {"type": "oauth2"}}},
        "paths": {"/x": {"post": {"responses": {201: {"description": "Created"}}}}},
    }
    patched = apply_overlay(spec)
    assert patched["components"]["securitySchemes"]["fiken_api_oauth"]["scheme"] == "bearer"
    assert list(patched["paths"]["/x"]["post"]["responses"]) == ["201"]


def test_sampled_response_validation_still_checks_the_first(api, settings, monkeypatch):
    fake = FakeFiken(
        spec_path=settings.FIKEN["OPENAPI_SPEC"], validate_responses="sample", rate_limit=None
    )
    fake.add_company("fiken-demo-as")
    fake.add_personal_token(TOKEN, companies=["fiken-demo-as"])
    route = base._ROUTES[("GET", "/user")]
    monkeypatch.setitem(
        base._ROUTES,
        ("GET", "/user"),
        base.Route(
            "GET",
            "/user",
            "getUser",
            lambda ctx: FakeResponse.json({"name": 5}),
            route.regex,
            route.specificity,
        ),
    )
    with fake.mock():
        with pytest.raises(SpecError):
            api.get("https://api.fiken.no/api/v2/user")
        api.get("https://api.fiken.no/api/v2/user")  # not sampled: passes through
    assert len(fake.response_errors) == 1


def test_invalid_response_over_http_is_a_500_and_recorded(monkeypatch):
    fake = make_fake()
    route = base._ROUTES[("GET", "/user")]
    monkeypatch.setitem(
        base._ROUTES,
        ("GET", "/user"),
        base.Route(
            "GET",
            "/user",
            "getUser",
            lambda ctx: FakeResponse.json({"email": 5}),
            route.regex,
            route.specificity,
        ),
    )
    with fake.serve() as server:
        response = requests.get(f"{server.url}/user", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 500
    assert "breaks the spec" in response.json()["error_description"]
    with pytest.raises(AssertionError, match="invalid response from the fake"):
        fake.assert_no_violations()


def test_every_company_list_answers_spec_valid_on_an_empty_company(fake, api):
    templates = [
        r.template
        for r in all_routes()
        if r.method == "GET" and r.template.count("{") == 1 and "{companySlug}" in r.template
    ]
    assert len(templates) > 30
    for template in templates:
        url = "https://api.fiken.no/api/v2" + template.replace("{companySlug}", "fiken-demo-as")
        params = {"date": "2024-01-01"} if template.endswith("accountBalances") else {}
        response = api.get(url, params=params)
        # Counters answer 404 until initialised; everything else lists (possibly nothing).
        expected = (
            404
            if template.endswith("/counter")
            and "invoices" not in template
            and ("creditNotes" not in template)
            else 200
        )
        assert response.status_code == expected, (template, response.text)


def test_wrong_media_type_is_415_and_a_violation(api):
    fake = make_fake()
    with fake.mock():
        response = api.post(f"{COMPANY}/contacts", data={"name": "Kari"})  # form, not JSON
    assert response.status_code == 415
    assert "application/json" in response.json()["error_description"]
    assert len(fake.violations) == 1
