"""Transaction sets <-> domain objects: one module per set, and the dispatch between them.

``read_document(tx)`` fills ``tx.document`` from a matched transaction tree and appends
Amazon-rule issues; ``render(obj)`` returns (set_id, body segments) for the writer.
"""

import logging

from ..._vendor import domain
from .credit_debit_812 import read_812, render_812
from .functional_ack_997 import FunctionalAck, read_997, render_997
from .inventory_846 import read_846, render_846
from .invoice_810 import read_810, render_810
from .po_acknowledgement_855 import read_855, render_855
from .po_change_860 import read_860, render_860
from .product_activity_852 import read_852, render_852
from .purchase_order_850 import read_850, render_850
from .remittance_820 import read_820, render_820
from .shared import SetContext
from .ship_notice_856 import read_856, render_856

_logger = logging.getLogger(__name__)

READERS = {
    "850": read_850,
    "855": read_855,
    "856": read_856,
    "810": read_810,
    "846": read_846,
    "852": read_852,
    "860": read_860,
    "820": read_820,
    "812": read_812,
    "997": read_997,
}


def read_document(tx):
    """Fill ``tx.document``; a mapping failure is reported as an issue, never raised."""
    reader = READERS.get(tx.set_id)
    if reader is None or tx.tree is None:
        return
    try:
        reader(tx, SetContext(tx))
    except Exception as exc:  # malformed input can defeat any mapping: report, do not crash
        _logger.debug("cannot map %s %s", tx.set_id, tx.control, exc_info=True)
        SetContext(tx).error(f"the {tx.set_id} could not be read into a document ({exc!r})")
        tx.document = None


def render(obj, version="4010"):
    """Domain object -> (set_id, body segments) for ``writer.write_interchange``."""
    if isinstance(obj, domain.PurchaseOrder):
        return render_850(obj)
    if isinstance(obj, domain.Acknowledgement):
        return render_855(obj)
    if isinstance(obj, domain.Shipment):
        return render_856(obj, version)
    if isinstance(obj, domain.Invoice):
        return render_810(obj)
    if isinstance(obj, domain.InventoryAdvice):
        return render_846(obj)
    if isinstance(obj, domain.ProductActivityReport):
        return render_852(obj)
    if isinstance(obj, domain.PurchaseOrderChange):
        return render_860(obj)
    if isinstance(obj, domain.Remittance):
        return render_820(obj)
    if isinstance(obj, domain.CreditDebitAdjustment):
        return render_812(obj)
    if isinstance(obj, FunctionalAck):
        return render_997(obj)
    raise TypeError(f"no X12 transaction set for {type(obj).__name__}")
