"""Keys that make importing the same payment twice a no-op.

Amazon's exports overlap (a month's export repeats last week's payments) and users upload the
same file twice. A payment is the same when its account, number, date and amount are; a line
is the same when its payment is and its invoice number and amount paid are (the n-th such line,
should one payment carry two identical lines). Keys are SHA-1 hex digests, so a database can
hold them in a unique index.
"""

import hashlib
from dataclasses import dataclass, field, replace


def _digest(*parts):
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def _amount(value):
    return format(value.normalize(), "f") if value else "0"


def payment_key(account, payment):
    return _digest(
        "payment",
        account,
        payment.number.strip(),
        payment.date.isoformat(),
        _amount(payment.amount),
    )


def line_keys(account, payment):
    """One key per line of the payment, in order."""
    base = payment_key(account, payment)
    seen, keys = {}, []
    for line in payment.lines:
        ident = (line.invoice_number.strip().upper(), _amount(line.amount_paid))
        seen[ident] = seen.get(ident, 0) + 1
        keys.append(_digest("line", base, *ident, seen[ident]))
    return keys


@dataclass
class ImportSelection:
    """What an import still has to create."""

    new_payments: list = field(default_factory=list)  # Payments never imported
    # Payments imported before that now show more lines (their lines were hidden): the
    # payment with only the new lines, so the caller adds those to its existing record.
    grown_payments: list = field(default_factory=list)
    duplicate_payments: int = 0
    duplicate_lines: int = 0
    payment_keys: dict = field(default_factory=dict)  # payment number -> key
    line_keys: dict = field(default_factory=dict)  # payment number -> [key of each kept line]


def select_new(account, payments, known_keys):
    """Split parsed payments into what is new and what was imported before.

    ``known_keys``: every payment and line key already stored for the account (one set).
    """
    known = set(known_keys)
    selection = ImportSelection()
    for payment in payments:
        key = payment_key(account, payment)
        keys = line_keys(account, payment)
        fresh = [(line, k) for line, k in zip(payment.lines, keys, strict=True) if k not in known]
        selection.duplicate_lines += len(keys) - len(fresh)
        if key in known and not fresh:
            selection.duplicate_payments += 1
            continue
        kept = replace(payment, lines=[line for line, _k in fresh])
        if key in known:
            selection.grown_payments.append(kept)
        else:
            selection.new_payments.append(kept)
        selection.payment_keys[payment.number] = key
        selection.line_keys[payment.number] = [k for _line, k in fresh]
        known.add(key)
        known.update(k for _line, k in fresh)
    return selection


def all_keys(account, payments):
    """Every payment and line key of these payments: what to look up among stored keys."""
    for payment in payments:
        yield payment_key(account, payment)
        yield from line_keys(account, payment)
