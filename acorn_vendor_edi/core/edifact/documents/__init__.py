"""D.96A messages <-> the shared domain objects (EANCOM style, as Amazon EU exchanges them): one
module per message type.

Inbound: ORDERS -> PurchaseOrder, SLSRPT -> ProductActivityReport. Outbound: Acknowledgement ->
ORDRSP, Shipment -> DESADV, Invoice -> INVOIC, InventoryAdvice -> INVRPT. The outbound messages
are also read back into the same objects, which is what the round-trip tests and the
``parse`` command rely on.
"""

from .desadv import parse_desadv, render_desadv
from .invoic import parse_invoic, render_invoic
from .invrpt import parse_invrpt, render_invrpt
from .orders import parse_orders, render_orders
from .ordrsp import parse_ordrsp, render_ordrsp
from .slsrpt import parse_slsrpt, render_slsrpt

PARSERS = {
    "ORDERS": parse_orders,
    "ORDRSP": parse_ordrsp,
    "DESADV": parse_desadv,
    "INVOIC": parse_invoic,
    "INVRPT": parse_invrpt,
    "SLSRPT": parse_slsrpt,
}
