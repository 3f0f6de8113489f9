"""The HTTP face, the /_fake/ control API, RemoteFake, the runnable server and the fixtures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from django_fiken.conf import fiken_settings
from django_fiken.testing import RemoteFake

from .conftest import TOKEN, make_fake

REPO = Path(__file__).resolve().parents[2]
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def served():
    fake = make_fake()
    with fake.serve() as server:
        yield fake, server
    fake.assert_no_violations()


def test_http_face_serves_the_api_with_locations_on_itself(served):
    _fake, server = served
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/api/v2")
    company = f"{server.url}/companies/fiken-demo-as"
    created = requests.post(f"{company}/contacts", json={"name": "Kari"}, headers=HEADERS)
    assert created.status_code == 201
    assert created.headers["Location"].startswith(company + "/contacts/")
    listed = requests.get(f"{company}/contacts", headers=HEADERS)
    assert listed.json()[0]["name"] == "Kari"
    assert listed.headers["Fiken-Api-Result-Count"] == "1"
    assert requests.get(server.root_url + "/elsewhere").status_code == 404


def test_http_face_oauth(served):
    fake, server = served
    fake.add_oauth_client("c", "s", ["http://shop.example/cb"])
    redirect = requests.get(
        f"{server.oauth_url}/authorize",
        params={
            "response_type": "code",
            "client_id": "c",
            "redirect_uri": "http://shop.example/cb",
            "state": "st",
        },
        allow_redirects=False,
    )
    code = re.search(r"code=([^&]+)", redirect.headers["Location"])[1]
    tokens = requests.post(
        f"{server.oauth_url}/token",
        auth=("c", "s"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://shop.example/cb",
        },
    ).json()
    user = requests.get(
        f"{server.url}/user", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert user.status_code == 200


def test_control_api_and_remote_fake(served):
    fake, server = served
    remote = RemoteFake(server.root_url)
    assert remote.url == server.url
    summary = remote.summary()
    assert summary["companies"][0]["slug"] == "fiken-demo-as"
    company = f"{server.url}/companies/fiken-demo-as"
    requests.post(
        f"{company}/contacts", json={"name": "Kari", "email": "k@example.com"}, headers=HEADERS
    )
    assert remote.stats.total_requests == 1
    assert remote.stats.max_in_flight == 1
    (call,) = remote.stats.calls("POST", r"/contacts$")
    assert call.status == 201
    assert remote.stats.calls(operation_id="createContact")[0].request_id == call.request_id
    (contact,) = remote.records("fiken-demo-as", "contacts")
    assert contact["name"] == "Kari"

    remote.faults.fail_next(1, status=503, retry_after=2)
    failed = requests.get(f"{company}/contacts", headers=HEADERS)
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "2"
    remote.faults.commit_then_reset(method="POST")
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{company}/contacts", json={"name": "Per"}, headers=HEADERS)
    assert len(remote.records("fiken-demo-as", "contacts")) == 2

    invoice = fake.add_invoice(
        "fiken-demo-as",
        contact["contactId"],
        [{"quantity": 1, "unitPrice": 1000, "vatType": "HIGH"}],
    )
    paid = remote.mark_invoice_paid("fiken-demo-as", invoice["invoiceId"])
    assert paid["sale"]["settled"] is True

    remote.reset()
    assert remote.stats.total_requests == 0
    remote.assert_no_violations()


def test_remote_violations_and_settings(served):
    fake, server = served
    remote = RemoteFake(server.url)  # the API URL works too
    requests.post(f"{server.url}/companies/fiken-demo-as/contacts", json={}, headers=HEADERS)
    assert remote.violations
    with pytest.raises(AssertionError, match="name"):
        remote.assert_no_violations()
    settings = remote.configure(rate_limit=2, latency=0)
    assert settings["rate_limit"] == 2 and fake.limiter.rate == 2
    remote.add_company("second-as", name="Second AS", bank_account_number="99998877665")
    remote.add_personal_token("second-token", companies=["second-as"])
    response = requests.get(
        f"{server.url}/companies/second-as/bankAccounts",
        headers={"Authorization": "Bearer second-token"},
    )
    assert response.json()[0]["bankAccountNumber"] == "99998877665"
    fake.violations.clear()


def test_remote_oauth_client_and_user(served):
    fake, server = served
    remote = RemoteFake(server.root_url)
    remote.add_oauth_client("shop", "secret", redirect_uris=["http://shop.example/cb"])
    assert fake.auth.clients["shop"].redirect_uris == ("http://shop.example/cb",)
    created = remote.add_user("ola@example.com", "Ola", companies=["fiken-demo-as"])
    assert created["email"] == "ola@example.com"
    assert fake.auth.users[-1].companies == {"fiken-demo-as"}


def test_control_api_rejects_unknown_endpoints(served):
    _, server = served
    assert requests.get(f"{server.control_url}/nothing").status_code == 404
    assert requests.post(f"{server.control_url}/faults", data=b"{not json").status_code == 400


def _start(argv: list[str], env: dict | None = None) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen(
        argv,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    printed: dict[str, str] = {}
    for line in process.stdout:
        key, _, value = line.partition(":")
        printed[key.strip()] = value.strip()
        if key.startswith("Control API"):
            break
    return process, printed


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.mark.slow
def test_python_m_server_with_demo():
    process, printed = _start(
        [
            sys.executable,
            "-m",
            "django_fiken.testing.server",
            "--port",
            "0",
            "--demo",
            "--rate",
            "0",
        ],
        env={"FIKEN_OPENAPI_SPEC": str(django_settings.FIKEN["OPENAPI_SPEC"])},
    )
    try:
        api, token = printed["Fake Fiken API"], printed["Personal API token"]
        company = requests.get(
            f"{api}/companies/fiken-demo-as", headers={"Authorization": f"Bearer {token}"}
        )
        assert company.json()["name"] == "Fiken Demo AS"
        banks = requests.get(
            f"{api}/companies/fiken-demo-as/bankAccounts",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert banks.json()[0]["accountCode"] == "1920:10001"
        RemoteFake(api).assert_no_violations()
    finally:
        _stop(process)


@pytest.mark.slow
def test_management_command_uses_the_settings_token():
    process, printed = _start(
        [
            sys.executable,
            "-m",
            "django",
            "fiken_fake_server",
            "--port",
            "0",
            "--no-validate",
            "--settings=tests.settings",
        ],
    )
    try:
        assert printed["Personal API token"] == fiken_settings.API_TOKEN
        api = printed["Fake Fiken API"]
        user = requests.get(f"{api}/user", headers={"Authorization": f"Bearer {TOKEN}"})
        assert user.status_code == 200
    finally:
        _stop(process)


def test_fake_fiken_fixture_uses_the_settings(fake_fiken):
    assert fake_fiken.store(fiken_settings.COMPANY_SLUG).bank_accounts
    response = requests.get(
        f"{fiken_settings.BASE_URL}/companies/{fiken_settings.COMPANY_SLUG}/contacts",
        headers={"Authorization": f"Bearer {fiken_settings.API_TOKEN}"},
    )
    assert response.status_code == 200


def test_fake_fiken_server_fixture_points_settings_at_it(fake_fiken_server):
    assert fiken_settings.BASE_URL == fake_fiken_server.url
    assert fiken_settings.OAUTH["TOKEN_URL"] == fake_fiken_server.oauth_url + "/token"
    response = requests.get(
        f"{fiken_settings.BASE_URL}/companies/{fiken_settings.COMPANY_SLUG}",
        headers={"Authorization": f"Bearer {fiken_settings.API_TOKEN}"},
    )
    assert response.json()["slug"] == fiken_settings.COMPANY_SLUG


def test_http_face_reads_chunked_bodies(served):
    fake, server = served

    def body():
        yield b'{"name": '
        yield b'"Chunky AS"}'

    response = requests.post(
        f"{server.url}/companies/fiken-demo-as/contacts",
        data=body(),
        headers={**HEADERS, "Content-Type": "application/json"},
    )
    assert response.status_code == 201
    (contact,) = fake.store("fiken-demo-as").contacts.values()
    assert contact["name"] == "Chunky AS"
