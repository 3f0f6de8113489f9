"""Multipart uploads: attachments everywhere and the inbox, with the spec's form fields."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

import pytest

from .conftest import company_url

PDF = b"%PDF-1.4 receipt"


def form_part(body: bytes, name: str) -> bytes:
    marker = f'name="{name}"'.encode()
    part = body.split(marker, 1)[1]
    return part.split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]


def created(mocked, path: str, new_id: int = 55) -> None:
    location = company_url(f"{path}/{new_id}")
    mocked.post(company_url(path), status=201, headers={"Location": location})


def test_draft_attachment_sends_filename_comment_and_file(company, mocked, tmp_path):
    created(mocked, "/invoices/drafts/9/attachments")
    path = tmp_path / "Receipt.PDF"
    path.write_bytes(PDF)
    assert company.invoice_drafts.add_attachment(9, path, comment="From the shop") == 55
    request = mocked.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert form_part(request.body, "filename") == b"Receipt.PDF"
    assert form_part(request.body, "comment") == b"From the shop"
    assert b'name="file"; filename="Receipt.PDF"' in request.body
    assert PDF in request.body


def test_sale_attachment_flags_are_query_parameters(company, mocked):
    created(mocked, "/sales/4/attachments")
    company.sales.add_attachment(4, PDF, filename="kvittering.jpg", attach_to_sale=True)
    request = mocked.calls[0].request
    assert dict(parse_qsl(urlsplit(request.url).query)) == {"attachToSale": "true"}
    assert b"Content-Type: image/jpeg" in request.body
    assert b'name="comment"' not in request.body


def test_inbox_document_has_name_and_description(company, mocked):
    created(mocked, "/inbox", new_id=12)
    handle = io.BytesIO(b"scan")
    handle.name = "/scans/august.tiff"
    assert company.inbox.create(handle, description="Invoice for August") == 12
    body = mocked.calls[0].request.body
    assert form_part(body, "name") == b"august.tiff"
    assert form_part(body, "filename") == b"august.tiff"
    assert form_part(body, "description") == b"Invoice for August"


def test_attachment_type_fiken_refuses_is_refused_before_sending(company, mocked):
    with pytest.raises(ValueError, match=r"only accepts attachments ending with \.png"):
        company.contacts.add_attachment(3, b"x", filename="notes.docx")
    assert len(mocked.calls) == 0


def test_bytes_need_a_filename(company):
    with pytest.raises(ValueError, match="A filename is needed"):
        company.purchases.add_attachment(3, PDF)


def test_text_mode_files_are_refused(company, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_text("x")
    with path.open("r") as handle, pytest.raises(TypeError, match="binary mode"):
        company.purchases.add_attachment(3, handle)
