"""Every operationId in Fiken's spec is reachable through exactly one method, and that method
sends a request the spec accepts (validated with openapi-core)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
import re
import typing
from functools import cache
from typing import Any

import pytest
import responses
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest

from django_fiken.client import FikenClient, Paginated
from django_fiken.client.client import CLIENT_RESOURCES, COMPANY_RESOURCES
from django_fiken.client.endpoints import ENDPOINTS
from django_fiken.client.resources.base import OPERATION_ATTRIBUTE
from django_fiken.client.types import SCHEMA_TYPES

from .conftest import BASE_URL, REPO_DIR, SLUG, spec_path


@cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(spec_path().read_text(encoding="utf-8"))


@cache
def spec_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "put", "post", "delete", "patch"}:
                found[op["operationId"]] = (method.upper(), path, op)
    return found


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_file_path(str(spec_path()))


def test_spec_has_152_operations_and_66_schemas():
    assert len(spec_operations()) == 152
    assert len(spec()["components"]["schemas"]) == 66
    assert set(SCHEMA_TYPES) == set(spec()["components"]["schemas"])


def test_every_operation_has_exactly_one_method():
    registered: dict[str, list[str]] = {}
    for resource in (*CLIENT_RESOURCES.values(), *COMPANY_RESOURCES.values()):
        for name, member in inspect.getmembers(resource, inspect.isfunction):
            operation_id = getattr(member, OPERATION_ATTRIBUTE, None)
            if operation_id:
                registered.setdefault(operation_id, []).append(f"{resource.__name__}.{name}")
    missing = sorted(set(spec_operations()) - set(registered))
    unknown = sorted(set(registered) - set(spec_operations()))
    doubled = {op: names for op, names in registered.items() if len(names) > 1}
    assert not missing, f"operationIds without a client method: {missing}"
    assert not unknown, f"methods naming operationIds the spec lacks: {unknown}"
    assert not doubled, f"operationIds with more than one method: {doubled}"
    operations = FikenClient.operations()
    assert len(operations) == 152
    assert operations["getContacts"] == "Contacts.list"
    assert operations["createInvoiceFromDraft"] == "Invoices.create_from_draft"


def test_generated_modules_match_the_spec():
    """The committed types.py / endpoints.py are what the generator makes from this spec."""
    script = REPO_DIR / "scripts" / "generate_client_types.py"
    loaded = importlib.util.spec_from_file_location("generate_client_types", script)
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    for path, source in module.render_all(spec_path()).items():
        assert path.read_text(encoding="utf-8") == source, (
            f"{path.name} is stale: run python scripts/generate_client_types.py"
        )


def test_endpoint_table_matches_the_spec():
    for operation_id, (method, path, op) in spec_operations().items():
        endpoint = ENDPOINTS[operation_id]
        assert (endpoint.method, endpoint.path) == (method, path)


# ---------------------------------------------------------------- one call per operation


def example_value(schema: dict[str, Any]) -> Any:
    """A minimal value the spec accepts for ``schema`` (required properties only)."""
    if "$ref" in schema:
        return example_value(spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(example_value(part))
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            # Required but undescribed (``paid`` on sale/purchase requests): a boolean.
            name: example_value(props[name]) if name in props else True
            for name in schema.get("required", [])
            if not props.get(name, {}).get("readOnly")
        }
    if kind == "array":
        return [example_value(schema.get("items", {}))]
    if "example" in schema and not isinstance(schema["example"], dict | list):
        return schema["example"]
    return {
        "string": {"date": "2024-01-31", "date-time": "2024-01-31T10:00:00Z"}.get(
            schema.get("format"), "x"
        ),
        "integer": 1,
        "number": 1.5,
        "boolean": True,
    }[kind]


def arguments_for(method: Any, operation_id: str) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments that make ``method`` send ``operation_id``."""
    hints = typing.get_type_hints(method)
    _, _, op = spec_operations()[operation_id]
    body_schema = None
    if "requestBody" in op:
        content = op["requestBody"]["content"]
        body_schema = next(iter(content.values()))["schema"]
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "self" or parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if parameter.default is not inspect.Parameter.empty:
            continue
        if name == "company_slug":
            value: Any = SLUG
        elif name == "account_code":
            value = "3000"
        elif name.endswith("_id"):
            value = 7
        elif name == "file":
            value = b"%PDF-1.4 test"
        elif name in {"date", "settled_date"}:
            value = dt.date(2024, 1, 31)
        elif name == "description":
            value = "Registered twice"
        else:
            assert typing.is_typeddict(hints[name]), f"{method.__qualname__}: {name}?"
            value = example_value(body_schema)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = value
        else:
            args.append(value)
    if "file" in inspect.signature(method).parameters:
        kwargs["filename"] = "receipt.pdf"
    if operation_id == "getAccountBalances":
        kwargs["date"] = dt.date(2024, 1, 31)
    return args, kwargs


def fake_response(request):
    endpoint_method = request.method
    if endpoint_method == "POST" and not request.url.endswith(("/send", "/salesReport")):
        return (201, {"Location": f"{BASE_URL}/companies/{SLUG}/things/123"}, "")
    if endpoint_method == "DELETE":
        return (204, {}, "")
    return (200, {"Content-Type": "application/json"}, "[]")


# The spec declares only an OAuth2 scheme, which openapi-core cannot check: it warns.
@pytest.mark.filterwarnings("ignore:Unsupported scheme type")
@pytest.mark.parametrize("operation_id", sorted(ENDPOINTS))
def test_each_method_sends_a_request_the_spec_accepts(client, operation_id):
    qualified = FikenClient.operations()[operation_id]
    class_name, method_name = qualified.split(".")
    resources = {cls.__name__: (attr, cls) for attr, cls in CLIENT_RESOURCES.items()}
    company_resources = {cls.__name__: (attr, cls) for attr, cls in COMPANY_RESOURCES.items()}
    if class_name in resources:
        owner = getattr(client, resources[class_name][0])
    else:
        owner = getattr(client.company(SLUG), company_resources[class_name][0])
    method = getattr(owner, method_name)
    args, kwargs = arguments_for(getattr(type(owner), method_name), operation_id)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for http_method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            mocked.add_callback(http_method, re.compile(r".*"), callback=fake_response)
        result = method(*args, **kwargs)
        if isinstance(result, Paginated):
            result = result.page(0)
        assert len(mocked.calls) == 1
        sent = mocked.calls[0].request

    method_expected, path_template, _ = spec_operations()[operation_id]
    assert sent.method == method_expected
    openapi().validate_request(RequestsOpenAPIRequest(sent))
    # The spec's own path, not just any path of the same method (``/invoices/counter`` vs
    # ``/invoices/{invoiceId}``).
    pattern = re.escape(BASE_URL) + re.sub(r"\{[^}]+\}", "[^/]+", path_template)
    assert re.fullmatch(pattern, sent.url.split("?", 1)[0])
    if ENDPOINTS[operation_id].body == "multipart/form-data":
        assert sent.headers["Content-Type"].startswith("multipart/form-data")
        assert b'name="file"; filename="receipt.pdf"' in sent.body
    elif ENDPOINTS[operation_id].body == "application/json":
        assert sent.headers["Content-Type"] == "application/json"
    creates = method_expected == "POST" and not sent.url.endswith(
        ("/send", "/salesReport", "/counter")
    )
    if creates:
        assert result == 123
