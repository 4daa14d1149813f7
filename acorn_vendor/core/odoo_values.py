"""Odoo's stored values <-> the domain's, in one place for every model.

Odoo keeps money and measures as floats, datetimes as naive UTC and Amazon's enums as
lower-case selection keys; the domain wants ``Decimal``, aware UTC datetimes and Amazon's
spelling. Each model used to carry its own copy of these conversions.
"""

import json
from decimal import Decimal

from .domain import PO_STATES, UTC

# Amazon's purchaseOrderState -> the selection key Odoo stores, and back.
PO_STATE_KEYS = {state: state.lower() for state in PO_STATES}
PO_STATE_NAMES = {key: state for state, key in PO_STATE_KEYS.items()}
PO_STATE_SELECTION = list(PO_STATE_NAMES.items())


def to_decimal(value, digits=None):
    """An Odoo float as the Decimal it prints as (0.1 stays 0.1), rounded to ``digits``
    when given; False or None is 0."""
    value = value or 0.0
    return Decimal(str(round(value, digits) if digits is not None else value))


def to_decimal_or_none(value):
    """A measure Odoo leaves at 0 when nobody entered it (weight, volume): None, not 0."""
    return to_decimal(value) if value else None


def to_utc(value):
    """A naive UTC datetime as Odoo stores it -> aware UTC; False or None -> None."""
    return value.replace(tzinfo=UTC) if value else None


def to_naive_utc(value):
    """An aware datetime -> the naive UTC datetime Odoo stores; None -> False."""
    return value.astimezone(UTC).replace(tzinfo=None) if value else False


def json_text(value):
    """A stored JSON value as people read it: indented, keys in Amazon's order; empty
    stays empty. The web client's code widgets show text, not JSON objects."""
    if value in (None, False, ""):
        return False
    return json.dumps(value, indent=2, ensure_ascii=False)


# Words a selection label spells as Amazon and vendors write them.
LABEL_WORDS = {"asn": "ASN", "po": "PO", "coop": "Co-op", "sscc": "SSCC"}


def selection_of(keys):
    """Odoo selection pairs for snake_case keys, labelled as people read them:
    ``asn_accuracy`` -> "ASN accuracy", ``po_on_time`` -> "PO on time", ``coop`` -> "Co-op"."""
    pairs = []
    for key in keys:
        words = [LABEL_WORDS.get(word, word) for word in key.split("_")]
        label = " ".join(words)
        pairs.append((key, label[:1].upper() + label[1:]))
    return pairs
