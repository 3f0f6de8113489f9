"""Generate the client's typed records and endpoint table from Fiken's ``openapi.yaml``.

Writes two modules that must never be edited by hand:

* ``django_fiken/client/types.py``: one ``TypedDict`` per component schema (``Contact``,
  ``InvoiceResult``, ``InvoiceishDraftRequest``, ...), so resource methods are annotated with the
  spec's own vocabulary.
* ``django_fiken/client/endpoints.py``: for every operationId its HTTP method, path template,
  query parameters (snake_case keyword, wire name, kind, choices) and whether it pages, plus one
  ``TypedDict`` of keyword filters per operation that has any.

Run it whenever the spec changes::

    python scripts/generate_client_types.py [path/to/openapi.yaml]

The spec path defaults to ``$FIKEN_OPENAPI_SPEC`` or ``../shared/fiken/openapi.yaml``. The test
suite renders both modules again and fails when the committed files are stale.
"""

from __future__ import annotations

import hashlib
import keyword
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

REPO_DIR = Path(__file__).resolve().parent.parent
CLIENT_DIR = REPO_DIR / "django_fiken" / "client"
TYPES_MODULE = CLIENT_DIR / "types.py"
ENDPOINTS_MODULE = CLIENT_DIR / "endpoints.py"
DEFAULT_SPEC = REPO_DIR.parent / "shared" / "fiken" / "openapi.yaml"

# Schema names whose PascalCase form reads badly.
CLASS_NAME_OVERRIDES = {"userinfo": "UserInfo"}
PAGING_PARAMETERS = {"page", "pageSize"}
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def class_name(schema_name: str) -> str:
    """``invoiceishDraftRequest`` -> ``InvoiceishDraftRequest``."""
    return CLASS_NAME_OVERRIDES.get(schema_name, schema_name[:1].upper() + schema_name[1:])


def snake_case(name: str) -> str:
    """``lastModifiedGe`` -> ``last_modified_ge`` (the keyword a caller passes)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def load_spec(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_bytes()
    return yaml.safe_load(raw), hashlib.sha256(raw).hexdigest()


def comment_lines(text: str | None, indent: str) -> list[str]:
    """The spec's description as ``#`` comments, wrapped to fit the line length."""
    if not text:
        return []
    flat = " ".join(text.split())
    width = 96 - len(indent)
    return [f"{indent}# {line}" for line in textwrap.wrap(flat, width)]


# --------------------------------------------------------------------------- records (types.py)


def python_type(schema: dict[str, Any]) -> str:
    """The annotation for a property schema; JSON-shaped (dates stay ``yyyy-MM-dd`` strings)."""
    if "$ref" in schema:
        return class_name(ref_name(schema["$ref"]))
    kind = schema.get("type")
    if "enum" in schema and kind == "string":
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    if kind == "array":
        return f"list[{python_type(schema.get('items', {}))}]"
    if kind == "string":
        return "str"
    if kind == "integer":
        return "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "object":
        return "dict[str, Any]"
    return "Any"


def property_note(schema: dict[str, Any]) -> str:
    notes = []
    fmt = schema.get("format")
    if fmt in {"date", "date-time", "uuid", "email"}:
        notes.append({"date": "yyyy-MM-dd"}.get(fmt, fmt))
    if schema.get("readOnly"):
        notes.append("read-only")
    if schema.get("writeOnly"):
        notes.append("write-only")
    if schema.get("nullable"):
        notes.append("nullable")
    return f"  # {', '.join(notes)}" if notes else ""


def render_typed_dict(name: str, schema: dict[str, Any]) -> list[str]:
    bases: list[str] = []
    own: dict[str, Any] = schema
    if "allOf" in schema:
        own = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            if "$ref" in part:
                bases.append(class_name(ref_name(part["$ref"])))
            else:
                own["properties"].update(part.get("properties", {}))
                own["required"].extend(part.get("required", []))
    properties: dict[str, Any] = own.get("properties", {})
    required = set(own.get("required") or [])
    base_list = ", ".join(bases) if bases else "TypedDict"
    cls = class_name(name)
    lines: list[str] = []
    functional = any(keyword.iskeyword(p) or not p.isidentifier() for p in properties)
    description = schema.get("description")
    if functional:
        # A property named like a Python keyword (``from``) forces the functional syntax.
        lines.extend(comment_lines(description, ""))
        fields = []
        for prop, prop_schema in properties.items():
            annotation = python_type(prop_schema)
            if prop in required:
                annotation = f"Required[{annotation}]"
            fields.append(f"        {prop!r}: {annotation},")
        lines.append(f"{cls} = TypedDict(")
        lines.append(f"    {cls!r},")
        lines.append("    {")
        lines.extend(fields)
        lines.append("    },")
        lines.append("    total=False,")
        lines.append(")")
        return lines
    lines.append(f"class {cls}({base_list}, total=False):")
    doc = f"Fiken's ``{name}`` schema."
    lines.append(f'    """{doc}"""')
    if description:
        lines.append("")
        lines.extend(comment_lines(description, "    "))
    if properties:
        lines.append("")
    for prop, prop_schema in properties.items():
        lines.extend(comment_lines(prop_schema.get("description"), "    "))
        annotation = python_type(prop_schema)
        if prop in required:
            annotation = f"Required[{annotation}]"
        lines.append(f"    {prop}: {annotation}{property_note(prop_schema)}")
    for prop in sorted(required - set(properties)):
        # The spec requires it without describing it (``paid`` on sale/purchase requests).
        lines.append(f"    {prop}: Required[Any]  # required by the spec, not described there")
    return lines


def schema_order(schemas: dict[str, Any]) -> list[str]:
    """Bases (``allOf``) before the schemas that extend them; otherwise the spec's order."""
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        for part in schemas[name].get("allOf", []):
            if "$ref" in part:
                visit(ref_name(part["$ref"]))
        ordered.append(name)

    for name in schemas:
        visit(name)
    return ordered


def render_types(spec: dict[str, Any], digest: str) -> str:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    out = [
        f'"""Typed records for every component schema in Fiken\'s openapi.yaml ({len(schemas)}).',
        "",
        "GENERATED by scripts/generate_client_types.py from openapi.yaml",
        f"(sha256 {digest}).",
        "Do not edit by hand: change the script and run it again.",
        "",
        "Records are JSON-shaped: dates are ``yyyy-MM-dd`` strings and amounts integer øre,",
        "exactly as Fiken sends them. ``Required[...]`` marks the spec's required properties.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal, Required, TypedDict",
        "",
    ]
    names: list[str] = []
    for name in schema_order(schemas):
        schema = schemas[name]
        cls = class_name(name)
        names.append(cls)
        out.append("")
        if schema.get("type") == "string" and "enum" in schema:
            out.extend(comment_lines(schema.get("description"), ""))
            out.append(f"{cls} = {python_type(schema)}")
        else:
            out.extend(render_typed_dict(name, schema))
        out.append("")
    out.append("")
    out.append("# Fiken's schema name -> the record type generated for it.")
    out.append("SCHEMA_TYPES: dict[str, Any] = {")
    for name in schemas:
        out.append(f"    {name!r}: {class_name(name)},")
    out.append("}")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------- endpoints.py


def resolve_parameter(spec: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return spec["components"]["parameters"][ref_name(parameter["$ref"])]
    return parameter


def parameter_kind(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt in {"date", "date-time", "uuid"}:
        return fmt
    return schema.get("type", "string")


KIND_ANNOTATIONS = {
    "date": "dt.date",
    "date-time": "dt.datetime",
    "uuid": "str | uuid.UUID",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "string": "str",
}


def iter_operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        common = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                params = [resolve_parameter(spec, p) for p in common + op.get("parameters", [])]
                yield path, method, op, params


def render_endpoints(spec: dict[str, Any], digest: str) -> str:
    out = [
        '"""Every operation in Fiken\'s openapi.yaml: method, path, query parameters, paging.',
        "",
        "GENERATED by scripts/generate_client_types.py from openapi.yaml",
        f"(sha256 {digest}).",
        "Do not edit by hand: change the script and run it again.",
        "",
        "Resource methods name an operationId; the request layer takes the method and path from",
        "here and serialises keyword filters with the query parameter table, so no path or",
        "parameter name is typed twice.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime as dt",
        "import uuid",
        "from typing import Literal, NamedTuple, Required, TypedDict",
        "",
        "",
        "class QueryParameter(NamedTuple):",
        '    """One query parameter: the keyword a caller passes and how it goes on the wire."""',
        "",
        "    name: str",
        "    wire_name: str",
        '    kind: str  # "string", "integer", "number", "boolean", "date", "date-time" or "uuid"',
        "    required: bool",
        "    choices: tuple[str, ...]",
        "",
        "",
        "class Endpoint(NamedTuple):",
        '    """One operation of the spec."""',
        "",
        "    operation_id: str",
        "    method: str",
        "    path: str",
        "    path_parameters: tuple[str, ...]",
        "    query: tuple[QueryParameter, ...]",
        "    paginated: bool",
        '    body: str | None  # "application/json", "multipart/form-data" or None',
        "",
        "",
    ]
    table: list[str] = ["ENDPOINTS: dict[str, Endpoint] = {"]
    for path, method, op, params in iter_operations(spec):
        op_id = op["operationId"]
        path_params = tuple(p["name"] for p in params if p["in"] == "path")
        query = [p for p in params if p["in"] == "query"]
        paginated = any(p["name"] == "page" for p in query)
        filters = [p for p in query if p["name"] not in PAGING_PARAMETERS]
        body = None
        if "requestBody" in op:
            body = next(iter(op["requestBody"]["content"]))
        table.append(f"    {op_id!r}: Endpoint(")
        table.append(f"        {op_id!r},")
        table.append(f"        {method.upper()!r},")
        table.append(f"        {path!r},")
        table.append(f"        {path_params!r},")
        table.append("        (")
        for p in filters:
            schema = p.get("schema", {})
            choices = tuple(schema.get("enum", ()))
            table.append(
                f"            QueryParameter({snake_case(p['name'])!r}, {p['name']!r}, "
                f"{parameter_kind(schema)!r}, {bool(p.get('required'))!r}, {choices!r}),"
            )
        table.append("        ),")
        table.append(f"        {paginated!r},")
        table.append(f"        {body!r},")
        table.append("    ),")
        if filters:
            cls = op_id[:1].upper() + op_id[1:] + "Query"
            out.append(f"class {cls}(TypedDict, total=False):")
            out.append(f'    """Keyword filters of ``{op_id}``."""')
            out.append("")
            for p in filters:
                schema = p.get("schema", {})
                if "enum" in schema:
                    annotation = "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
                else:
                    annotation = KIND_ANNOTATIONS[parameter_kind(schema)]
                if p.get("required"):
                    annotation = f"Required[{annotation}]"
                out.append(f"    {snake_case(p['name'])}: {annotation}")
            out.append("")
            out.append("")
    table.append("}")
    out.extend(table)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- output


def ruff_format(source: str, filename: Path) -> str:
    """Format with ruff (the project's formatter) so the committed files stay lint-clean."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
        [ruff, "format", "--stdin-filename", str(filename), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_DIR,
    )
    return result.stdout


def render_all(spec_path: Path) -> dict[Path, str]:
    spec, digest = load_spec(spec_path)
    return {
        TYPES_MODULE: ruff_format(render_types(spec, digest), TYPES_MODULE),
        ENDPOINTS_MODULE: ruff_format(render_endpoints(spec, digest), ENDPOINTS_MODULE),
    }


def main(argv: list[str]) -> int:
    default = os.environ.get("FIKEN_OPENAPI_SPEC", DEFAULT_SPEC)
    spec_path = Path(argv[1] if len(argv) > 1 else default)
    if not spec_path.is_file():
        print(f"openapi.yaml not found at {spec_path}; pass its path.", file=sys.stderr)
        return 2
    for module, source in render_all(spec_path).items():
        module.write_text(source, encoding="utf-8")
        print(f"wrote {module.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
