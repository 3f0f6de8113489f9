"""Public signals, sent by pull when something changed on Fiken's side.

Fiken sends no webhooks, so these are how a shop learns that an invoice was paid or a contact
edited in Fiken. Each is sent exactly once per change: pull compares the row it had stored with
what Fiken returns and sends only for what differs, so repeated resyncs stay silent.

Every signal is sent with ``sender`` = the model class and these keyword arguments:

``instance``
    the saved mirror row (``FikenInvoice`` or ``FikenContact``), already updated.
``created``
    True when pull saw the object for the first time (it was made in Fiken, or by an earlier
    install); shops that only care about their own invoices can ignore those.

Receivers run inside pull, after the page's rows are saved; keep them short (enqueue work
rather than calling out) and idempotent.
"""

from django.dispatch import Signal

#: An invoice now exists in Fiken as an issued invoice (number and KID known).
invoice_issued = Signal()
#: An invoice was sent (dispatched by Fiken, or marked as sent manually).
invoice_sent = Signal()
#: An invoice is settled (fully paid) in Fiken.
invoice_settled = Signal()
#: An invoice is fully credited: its credit notes now cover its gross amount. Sent once.
invoice_credited = Signal()
#: A credit note took part of an invoice's amount, leaving some uncredited; sent once per such
#: credit note with ``amount`` (its gross, øre) and ``credit_note_id`` (Fiken's id) besides
#: ``instance`` and ``created``. ``instance.credited_amount`` is the total credited so far. The
#: credit note that completes the credit sends :data:`invoice_credited` instead.
invoice_partially_credited = Signal()
#: A contact was created or changed in Fiken (any field, including becoming inactive).
contact_changed = Signal()

__all__ = [
    "contact_changed",
    "invoice_credited",
    "invoice_issued",
    "invoice_partially_credited",
    "invoice_sent",
    "invoice_settled",
]
