"""What every resource shares: the ``@operation`` registry and the small request helpers.

A resource method is a thin, typed wrapper: it names its operationId once (in the decorator and
the helper call), the helpers turn the response into a record, an id from ``Location``, a lazy
:class:`~django_fiken.client.pagination.Paginated`, or nothing.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import requests

from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..query import serialise_query
from ..transport import Transport, json_body

F = TypeVar("F", bound=Callable[..., Any])

OPERATION_ATTRIBUTE = "fiken_operation_id"

FileInput = bytes | IO[bytes] | str | os.PathLike[str]
# Fiken accepts these attachment types (the spec: "Must end with .png, .jpeg, .jpg, .gif or .pdf").
ATTACHMENT_EXTENSIONS = (".png", ".jpeg", ".jpg", ".gif", ".pdf")


def operation(operation_id: str) -> Callable[[F], F]:
    """Mark a resource method as the one way to call Fiken's ``operation_id``."""

    def decorator(method: F) -> F:
        setattr(method, OPERATION_ATTRIBUTE, operation_id)
        return method

    return decorator


def location_id(response: requests.Response) -> int | str | None:
    """The new resource's id: the last segment of the ``Location`` header (int when numeric)."""
    location = response.headers.get("Location")
    if not location:
        return None
    last = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else last


def file_part(file: FileInput, filename: str | None) -> tuple[str, bytes, str]:
    """``(filename, content, content_type)`` for a multipart upload.

    The content is read into memory once so a retried upload (after a 429) sends it again.
    """
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        content = path.read_bytes()
        filename = filename or path.name
    elif isinstance(file, bytes | bytearray):
        content = bytes(file)
    elif hasattr(file, "read"):
        content = file.read()
        if not isinstance(content, bytes):
            raise TypeError("Open attachment files in binary mode ('rb').")
        filename = filename or os.path.basename(getattr(file, "name", "") or "")
    else:
        raise TypeError(f"Expected bytes, a binary file or a path, got {type(file).__name__}.")
    if not filename:
        raise ValueError("A filename is needed to upload bytes to Fiken (e.g. 'invoice.pdf').")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, content_type


def check_attachment_filename(filename: str) -> None:
    if not filename.lower().endswith(ATTACHMENT_EXTENSIONS):
        raise ValueError(
            f"Fiken only accepts attachments ending with {', '.join(ATTACHMENT_EXTENSIONS)}; "
            f"got {filename!r}."
        )


class Resource:
    """A Fiken area not bound to a company (the user, the company list)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _path_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(params)

    def _send(self, operation_id: str, path: Mapping[str, Any], **kwargs: Any) -> requests.Response:
        return self._transport.request(operation_id, self._path_params(path), **kwargs)

    def _list(
        self,
        operation_id: str,
        filters: Mapping[str, Any],
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        **path: Any,
    ) -> Paginated[Any]:
        query = serialise_query(operation_id, filters)

        def fetch(page_query: Mapping[str, str]) -> requests.Response:
            return self._send(operation_id, path, query=page_query)

        return Paginated(fetch, query, page_size)

    def _get(self, operation_id: str, filters: Mapping[str, Any] | None = None, **path: Any) -> Any:
        query = serialise_query(operation_id, filters or {})
        response = self._send(operation_id, path, query=query or None)
        return json_body(response)

    def _post_json(
        self, operation_id: str, body: Any, filters: Mapping[str, Any] | None = None, **path: Any
    ) -> requests.Response:
        query = serialise_query(operation_id, filters or {})
        return self._send(operation_id, path, query=query or None, json_body=body)

    def _create(self, operation_id: str, body: Any = None, **path: Any) -> Any:
        return location_id(self._post_json(operation_id, body, **path))

    def _update(self, operation_id: str, body: Any, **path: Any) -> None:
        self._post_json(operation_id, body, **path)

    def _json(self, operation_id: str, body: Any = None, filters: Any = None, **path: Any) -> Any:
        response = self._post_json(operation_id, body, filters, **path)
        return json_body(response)

    def _delete(self, operation_id: str, **path: Any) -> None:
        self._send(operation_id, path)

    def _upload(
        self,
        operation_id: str,
        file: FileInput,
        *,
        filename: str | None,
        fields: Mapping[str, str | None],
        filters: Mapping[str, Any] | None = None,
        check_extension: bool = True,
        **path: Any,
    ) -> Any:
        name, content, content_type = file_part(file, filename)
        if check_extension:
            check_attachment_filename(name)
        form = {"filename": name, **{k: v for k, v in fields.items() if v is not None}}
        query = serialise_query(operation_id, filters or {})
        response = self._send(
            operation_id,
            path,
            query=query or None,
            form=form,
            files={"file": (name, content, content_type)},
        )
        return location_id(response)


class CompanyResource(Resource):
    """A Fiken area inside one company; the slug is bound once, in ``client.company(slug)``."""

    def __init__(self, transport: Transport, company_slug: str) -> None:
        super().__init__(transport)
        self.company_slug = company_slug

    def __repr__(self) -> str:
        return f"<{type(self).__name__} company={self.company_slug!r}>"

    def _path_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"companySlug": self.company_slug, **params}
