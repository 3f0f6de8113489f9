"""The mirror admin renders every page read-only and its refresh action only enqueues."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_q.models import OrmQ

from django_fiken.models import FikenContact

from .factories import mirror_rows

pytestmark = pytest.mark.django_db

MODELS = [
    ("fikencompany", "company"),
    ("fikenconnection", "connection"),
    ("fikencontact", "contact"),
    ("fikeninvoice", "invoice"),
    ("fikenproduct", "product"),
    ("fikenbankaccount", "bank"),
    ("fikensyncstate", "state"),
]


@pytest.fixture
def rows():
    return mirror_rows()


@pytest.mark.parametrize(("model", "key"), MODELS)
def test_changelist_and_change_page_render(admin_client, rows, model, key):
    change_url = reverse(f"admin:django_fiken_{model}_change", args=[rows[key].pk])
    changelist = admin_client.get(reverse(f"admin:django_fiken_{model}_changelist"))
    assert changelist.status_code == 200
    assert change_url in changelist.content.decode()
    change = admin_client.get(change_url)
    assert change.status_code == 200
    assert str(rows[key]) in change.content.decode()


def test_invoice_page_shows_money_lines_and_escaped_payload(admin_client, rows):
    page = admin_client.get(
        reverse("admin:django_fiken_fikeninvoice_change", args=[rows["invoice"].pk])
    ).content.decode()
    assert "1 250,00 kr" in page  # gross 125000 øre
    assert "Widget" in page  # the line inline
    assert "<pre" in page and "&lt;script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_contact_page_shows_persons_and_unknown_payload_fields(admin_client, rows):
    page = admin_client.get(
        reverse("admin:django_fiken_fikencontact_change", args=[rows["contact"].pk])
    ).content.decode()
    assert "Ola" in page
    assert "futureField" in page


def test_mirrors_cannot_be_added_or_deleted_through_the_admin(admin_client, rows):
    assert admin_client.get(reverse("admin:django_fiken_fikencontact_add")).status_code == 403
    response = admin_client.get(
        reverse("admin:django_fiken_fikencontact_delete", args=[rows["contact"].pk])
    )
    assert response.status_code == 403


def test_changelist_queries_do_not_grow_with_rows(
    admin_client, rows, django_assert_max_num_queries
):
    from django_fiken.models import FikenInvoice

    for number in range(20):
        FikenInvoice.objects.create(
            company=rows["company"], customer=rows["contact"], invoice_number=20000 + number
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:django_fiken_fikeninvoice_changelist"))
    assert response.status_code == 200


def test_refresh_action_enqueues_one_task_per_company(admin_client, rows):
    unpushed = FikenContact.objects.create(company=rows["company"], name="Not in Fiken")
    response = admin_client.post(
        reverse("admin:django_fiken_fikencontact_changelist"),
        {
            "action": "refresh_from_fiken",
            "_selected_action": [rows["contact"].pk, unpushed.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    queued = list(OrmQ.objects.all())
    assert len(queued) == 1
    task = queued[0].task
    assert task["func"] == "django_fiken.tasks.refresh_objects"
    assert task["args"] == ("django_fiken.fikencontact", [rows["contact"].pk])
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Queued a refresh from Fiken for 1 object" in t for t in texts)
    assert any("not in Fiken yet" in t for t in texts)


def test_company_refresh_enqueues_a_pull(admin_client, rows):
    admin_client.post(
        reverse("admin:django_fiken_fikencompany_changelist"),
        {"action": "refresh_from_fiken", "_selected_action": [rows["company"].pk]},
    )
    (queued,) = OrmQ.objects.all()
    assert queued.task["func"] == "django_fiken.tasks.pull_company"
    assert queued.task["args"] == ("acme-as",)


def test_refresh_needs_the_refresh_permission(client, django_user_model, rows):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_fikencontact"))
    client.force_login(staff)
    url = reverse("admin:django_fiken_fikencontact_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert "refresh_from_fiken" not in page.content.decode()
    staff.user_permissions.add(Permission.objects.get(codename="refresh_contact"))
    assert "refresh_from_fiken" in client.get(url).content.decode()
