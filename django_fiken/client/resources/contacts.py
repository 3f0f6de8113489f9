"""Contacts (customers and suppliers), their contact persons, and contact groups."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..endpoints import GetContactsQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import Contact, ContactPerson
from .base import CompanyResource, FileInput, operation


class Contacts(CompanyResource):
    """``/contacts``."""

    @operation("getContacts")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetContactsQuery]
    ) -> Paginated[Contact]:
        return self._list("getContacts", filters, page_size=page_size)

    @operation("getContact")
    def get(self, contact_id: int) -> Contact:
        return self._get("getContact", contactId=contact_id)

    @operation("createContact")
    def create(self, contact: Contact) -> int:
        """Create a contact; returns its ``contactId``."""
        return self._create("createContact", contact)

    @operation("updateContact")
    def update(self, contact_id: int, contact: Contact) -> None:
        self._update("updateContact", contact, contactId=contact_id)

    @operation("deleteContact")
    def delete(self, contact_id: int) -> None:
        self._delete("deleteContact", contactId=contact_id)

    @operation("addAttachmentToContact")
    def add_attachment(
        self,
        contact_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        comment: str | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToContact",
            file,
            filename=filename,
            fields={"comment": comment},
            contactId=contact_id,
        )


class ContactPersons(CompanyResource):
    """``/contacts/{contactId}/contactPerson``: the people at a contact."""

    @operation("getContactContactPerson")
    def list(self, contact_id: int) -> builtins.list[ContactPerson]:
        return self._get("getContactContactPerson", contactId=contact_id)

    @operation("getContactPerson")
    def get(self, contact_id: int, contact_person_id: int) -> ContactPerson:
        return self._get(
            "getContactPerson", contactId=contact_id, contactPersonId=contact_person_id
        )

    @operation("addContactPersonToContact")
    def create(self, contact_id: int, person: ContactPerson) -> int:
        """Add a person to a contact; returns its ``contactPersonId``."""
        return self._create("addContactPersonToContact", person, contactId=contact_id)

    @operation("updateContactContactPerson")
    def update(self, contact_id: int, contact_person_id: int, person: ContactPerson) -> None:
        self._update(
            "updateContactContactPerson",
            person,
            contactId=contact_id,
            contactPersonId=contact_person_id,
        )

    @operation("deleteContactContactPerson")
    def delete(self, contact_id: int, contact_person_id: int) -> None:
        self._delete(
            "deleteContactContactPerson", contactId=contact_id, contactPersonId=contact_person_id
        )


class Groups(CompanyResource):
    """``/groups``: the contact group names in use."""

    @operation("getGroups")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[str]:
        return self._list("getGroups", {}, page_size=page_size)
