import base64
import logging
import re
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import domain
from ..core.asn_build import (
    STRUCTURES,
    AsnHeader,
    AsnPackage,
    AsnProduct,
    PackedQuantity,
    build_shipment,
)
from ..core.asn_check import AsnContext, PoContext, PoLineContext, check_shipment, has_errors
from ..core.asn_labels import labels_for
from ..core.odoo_values import PO_STATE_NAMES, to_decimal, to_decimal_or_none, to_utc
from ..core.spapi import converters
from .notification import notification

_logger = logging.getLogger(__name__)

# Odoo's unit names -> SP-API's (weight, length with its factor to the SP-API unit, volume).
WEIGHT_UNITS = {"kg": "Kg", "lb": "Lb", "g": "G", "oz": "Oz"}
LENGTH_UNITS = {
    "mm": ("Meter", Decimal("0.001")),
    "cm": ("Meter", Decimal("0.01")),
    "m": ("Meter", Decimal(1)),
    "in": ("In", Decimal(1)),
    "ft": ("Ft", Decimal(1)),
}
VOLUME_UNITS = {"m³": "CuM", "ft³": "CuFt", "m3": "CuM", "ft3": "CuFt"}


class StockPicking(models.Model):
    """The delivery of an Amazon sale order: packed into cartons and pallets, labelled with
    SSCCs and confirmed to Amazon with an ASN (submitShipmentConfirmations)."""

    _inherit = "stock.picking"

    acorn_purchase_order_id = fields.Many2one(
        "acorn.vc.purchase.order",
        "Amazon PO",
        related="sale_id.acorn_purchase_order_id",
        store=True,
        index="btree_not_null",
    )
    acorn_asn_state = fields.Selection(
        [
            ("to_send", "To Send"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("rejected", "Rejected"),
        ],
        "ASN",
        compute="_compute_acorn_asn_state",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    acorn_asn_errors = fields.Text(
        "ASN Problems", copy=False, help="What pre-validation found, or Amazon's errors."
    )
    acorn_shipment_type = fields.Selection(
        [
            ("TruckLoad", "Truck load"),
            ("LessThanTruckLoad", "Less than truck load"),
            ("SmallParcel", "Small parcel"),
        ],
        "Shipment Type",
        copy=False,
    )
    acorn_shipment_structure = fields.Selection(
        [(s, s) for s in STRUCTURES],
        "Shipment Structure",
        copy=False,
        help="Empty: worked out from the cartons and pallets.",
    )
    acorn_carrier_scac = fields.Char("Carrier SCAC", copy=False)
    acorn_bill_of_lading = fields.Char("Bill of Lading", copy=False)
    acorn_pro_number = fields.Char(
        "PRO / Tracking Number", copy=False, help="The carrier's shipment reference (PRO)."
    )
    acorn_asn_accepted_at = fields.Datetime(
        "ASN Accepted On",
        copy=False,
        readonly=True,
        help="When Amazon accepted the ASN: ASN chargebacks are judged on it.",
    )
    acorn_shipped_date = fields.Datetime(
        "Shipped On", copy=False, help="When the truck left; empty: the validation date."
    )
    acorn_estimated_delivery = fields.Datetime("Estimated Delivery", copy=False)
    acorn_transaction_ids = fields.One2many(
        "acorn.vc.transaction", "picking_id", "Amazon Transactions"
    )
    acorn_package_ids = fields.Many2many(
        "stock.quant.package",
        compute="_compute_acorn_package_ids",
        string="Cartons and Pallets",
    )
    acorn_carton_count = fields.Integer("Cartons", compute="_compute_acorn_package_ids")
    acorn_pallet_count = fields.Integer("Pallets", compute="_compute_acorn_package_ids")

    @api.depends("acorn_purchase_order_id", "picking_type_code", "state")
    def _compute_acorn_asn_state(self):
        for picking in self:
            amazon = picking.acorn_purchase_order_id and picking.picking_type_code == "outgoing"
            if not amazon or picking.state == "cancel":
                picking.acorn_asn_state = False
            elif not picking.acorn_asn_state:
                picking.acorn_asn_state = "to_send"

    @api.depends("move_line_ids.result_package_id")
    def _compute_acorn_package_ids(self):
        for picking in self:
            packages = picking._acorn_packages()
            pallets = packages.filtered("acorn_is_pallet")
            picking.acorn_package_ids = packages
            picking.acorn_pallet_count = len(pallets)
            picking.acorn_carton_count = len(packages - pallets)

    def _acorn_packages(self):
        """Result packages of the picking and the pallets they sit on."""
        cartons = self.move_line_ids.result_package_id
        return cartons | cartons.acorn_pallet_id

    def _acorn_account(self):
        self.ensure_one()
        po = self.acorn_purchase_order_id
        if not po or self.picking_type_code != "outgoing":
            raise UserError(
                self.env._("%s is not the delivery of an Amazon purchase order.", self.name)
            )
        return po.account_id

    # ------------------------------------------------------------------ packing

    def action_acorn_put_on_pallet(self):
        """Put every carton of the delivery that is not on a pallet yet onto a new pallet."""
        self.ensure_one()
        cartons = self.move_line_ids.result_package_id.filtered(
            lambda p: not p.acorn_is_pallet and not p.acorn_pallet_id
        )
        if not cartons:
            raise UserError(
                self.env._("Pack the goods into cartons first (Put in Pack), then palletize.")
            )
        pallet = self.env["stock.quant.package"].create(
            {"acorn_is_pallet": True, "name": self.env._("Pallet %s", self.name)}
        )
        cartons.acorn_pallet_id = pallet
        return True

    def _acorn_assign_ssccs(self):
        for picking in self:
            picking._acorn_packages()._acorn_assign_sscc(picking._acorn_account())

    def action_acorn_print_labels(self):
        """GS1-128 carton and pallet labels (4x6 in); SSCCs are issued first if missing."""
        self._acorn_assign_ssccs()
        report = self.env.ref("acorn_vendor.action_report_acorn_sscc_label")
        # Labels use no company letterhead: skip the layout configurator.
        return report.report_action(self, config=False)

    # ------------------------------------------------------------------ ASN data

    def _acorn_asn_lines(self):
        """Done (or, before validation, packed) quantities grouped in SQL: one query
        whatever the number of move lines."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model(
            ["picking_id", "product_id", "result_package_id", "lot_id", "quantity"]
        )
        self.env.cr.execute(
            """SELECT sml.product_id, sml.result_package_id, sml.lot_id, sml.product_uom_id,
                      SUM(sml.quantity)
                 FROM stock_move_line sml
                WHERE sml.picking_id = %s AND sml.quantity > 0
             GROUP BY sml.product_id, sml.result_package_id, sml.lot_id, sml.product_uom_id
             ORDER BY MIN(sml.id)""",
            (self.id,),
        )
        return self.env.cr.fetchall()

    def _acorn_asn_data(self):
        """Plain data for core.asn_build: lines, packages and products, read in bulk."""
        self.ensure_one()
        rows = self._acorn_asn_lines()
        Product = self.env["product.product"].with_context(active_test=False)
        products = Product.browse({r[0] for r in rows})
        uoms = self.env["uom.uom"].browse({r[3] for r in rows})
        lots = self.env["stock.lot"].browse({r[2] for r in rows if r[2]})
        has_expiry = "expiration_date" in lots._fields
        lot_info = {
            lot.id: (lot.name, lot.expiration_date.date() if has_expiry and lot.expiration_date
                     else None)
            for lot in lots
        }  # fmt: skip
        packages = self.env["stock.quant.package"].browse({r[1] for r in rows if r[1]})
        packages |= packages.acorn_pallet_id
        po_number = self.acorn_purchase_order_id.name
        lines = []
        # Index by iterating: browse(id) would prefetch that one record, a query per row.
        product_of = {p.id: p for p in products}
        uom_of = {u.id: u for u in uoms}
        for product_id, package_id, lot_id, uom_id, qty in rows:
            product = product_of[product_id]
            uom = uom_of[uom_id]
            eaches = uom._compute_quantity(qty, product.uom_id) if uom != product.uom_id else qty
            lot_name, expiry = lot_info.get(lot_id, (None, None))
            lines.append(
                PackedQuantity(
                    product_id,
                    int(round(eaches)),
                    po_number,
                    package_id or None,
                    lot_name,
                    expiry,
                )
            )
        asn_products = {
            p.id: AsnProduct(
                domain.ProductIds(
                    asin=p.amz_asin or None,
                    vendor_product_id=p.default_code or None,
                    ean=p.barcode or None,
                ),
                lot_tracked=p.tracking != "none",
                weight=to_decimal_or_none(p.weight),
                volume=to_decimal_or_none(p.volume),
            )
            for p in products
        }
        length_unit, factor = LENGTH_UNITS.get(
            self.env["product.template"]._get_length_uom_name_from_ir_config_parameter(),
            ("Meter", Decimal("0.001")),
        )
        asn_packages = {}
        for pkg in sorted(packages, key=lambda p: p.id):
            ptype = pkg.package_type_id
            dims = None
            if ptype and ptype.packaging_length and ptype.width and ptype.height:
                dims = domain.Dimensions(
                    *(
                        (to_decimal(v) * factor).quantize(Decimal("0.01"))
                        for v in (ptype.packaging_length, ptype.width, ptype.height)
                    ),
                    unit=length_unit,
                )
            asn_packages[pkg.id] = AsnPackage(
                sscc=pkg.acorn_sscc or None,
                is_pallet=pkg.acorn_is_pallet,
                pallet=pkg.acorn_pallet_id.id or None,
                weight=to_decimal_or_none(pkg.shipping_weight),
                dimensions=dims,
                tracking_number=pkg.acorn_tracking_number or None,
            )
        return lines, asn_packages, asn_products

    def _acorn_shipment_id(self):
        """Amazon's shipmentIdentifier: the picking reference in letters, digits and dashes."""
        return re.sub(r"[^A-Za-z0-9-]+", "-", self.name).strip("-")

    def _acorn_ship_from(self):
        warehouse = self.picking_type_id.warehouse_id
        partner = warehouse.partner_id or self.company_id.partner_id
        return domain.Party(warehouse.code or self.company_id.name, partner._acorn_address())

    def _acorn_asn_header(self, now=None):
        self.ensure_one()
        po = self.acorn_purchase_order_id
        account = po.account_id
        now = now or fields.Datetime.now()
        shipped = self.acorn_shipped_date or self.date_done or now
        eta = self.acorn_estimated_delivery or (
            shipped + timedelta(days=account.asn_transit_days) if account.asn_transit_days else None
        )
        template = self.env["product.template"]
        weight_unit = template._get_weight_uom_name_from_ir_config_parameter()
        volume_unit = template._get_volume_uom_name_from_ir_config_parameter()
        return AsnHeader(
            shipment_id=self._acorn_shipment_id(),
            shipped_date=to_utc(shipped),
            confirmation_date=to_utc(now),
            selling_party=domain.Party(po.vendor_code or ""),
            ship_from_party=self._acorn_ship_from(),
            ship_to_party=domain.Party(po.ship_to_code or ""),
            confirmation_type="Replace" if self._acorn_asn_was_accepted() else "Original",
            shipment_type=self.acorn_shipment_type or account.asn_shipment_type or None,
            shipment_structure=self.acorn_shipment_structure or None,
            carrier_scac=self.acorn_carrier_scac or account.asn_carrier_scac or None,
            bill_of_lading=self.acorn_bill_of_lading or None,
            pro_number=self.acorn_pro_number or None,
            estimated_delivery_date=to_utc(eta),
            weight_unit=WEIGHT_UNITS.get(weight_unit, "Kg"),
            volume_unit=VOLUME_UNITS.get(volume_unit, "CuM"),
        )

    def _acorn_asn_was_accepted(self):
        return any(
            tx.state == "success" and tx.kind == "shipment_confirmation"
            for tx in self.acorn_transaction_ids
        )

    def _acorn_asn_shipment(self, now=None):
        """(domain Shipment, its plain data) for this delivery."""
        lines, packages, products = self._acorn_asn_data()
        shipment = build_shipment(self._acorn_asn_header(now), lines, packages, products)
        return shipment, (lines, packages, products)

    def _acorn_asn_context(self, shipment, data, now=None):
        """What the ASN is checked against: the PO's accepted eaches, what other ASNs of the
        same PO already shipped, the picking's own done quantities, SSCCs used before."""
        self.ensure_one()
        lines, packages, products = data
        po = self.acorn_purchase_order_id
        others = self.search(
            [
                ("acorn_purchase_order_id", "=", po.id),
                ("id", "!=", self.id),
                ("acorn_asn_state", "in", ("sent", "accepted")),
            ]
        )
        shipped = {}
        if others:
            groups = self.env["stock.move"]._read_group(
                [("picking_id", "in", others.ids), ("state", "=", "done")],
                ["sale_line_id"],
                ["quantity:sum"],
            )
            for sale_line, qty in groups:
                line = sale_line.acorn_po_line_id
                if line:
                    shipped[line.sequence_number] = shipped.get(line.sequence_number, 0) + qty
        po_lines = [
            PoLineContext(
                sequence=line.sequence_number,
                asin=line.asin or None,
                vendor_ids=tuple(v for v in (line.vendor_sku, line.ean) if v),
                accepted=line.accepted_qty,
                shipped=int(shipped.get(line.sequence_number, 0)),
                lot_tracked=bool(line.product_id) and line.product_id.tracking != "none",
            )
            for line in po.line_ids
        ]
        ssccs = {p.sscc for p in packages.values() if p.sscc}
        used = self.env["stock.quant.package"].search(
            [
                ("acorn_sscc", "in", list(ssccs)),
                ("acorn_asn_picking_id", "!=", False),
                ("acorn_asn_picking_id", "!=", self.id),
            ]
        )
        return AsnContext(
            purchase_orders={
                po.name: PoContext(
                    number=po.name,
                    lines=po_lines,
                    state=PO_STATE_NAMES.get(po.amz_state, "New"),
                    vendor_code=po.vendor_code or None,
                    ship_to=po.ship_to_code or None,
                )
            },
            now=to_utc(now or fields.Datetime.now()),
            picking_done=self._acorn_done_by_product() if self.state == "done" else None,
            sent_shipment_ids={shipment.shipment_id} if self._acorn_asn_was_accepted() else set(),
            sent_ssccs=set(used.mapped("acorn_sscc")),
        )

    def _acorn_done_by_product(self):
        """The picking's done eaches per product from its moves (not its move lines), so the
        ASN built from the packages is compared with an independent count."""
        done = {}
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            product = move.product_id
            key = product.amz_asin or product.default_code or product.barcode or product.name
            qty = move.product_uom._compute_quantity(move.quantity, product.uom_id)
            done[key] = done.get(key, 0) + int(round(qty))
        return done

    def _acorn_check_asn(self, now=None):
        """(shipment, problems): the ASN as it would leave now and what is wrong with it."""
        self.ensure_one()
        self._acorn_account()
        shipment, data = self._acorn_asn_shipment(now)
        problems = check_shipment(shipment, self._acorn_asn_context(shipment, data, now))
        return shipment, problems

    # ------------------------------------------------------------------ sending

    def action_acorn_send_asn(self):
        """Check the ASN and, when nothing blocks it, send it to Amazon in the background."""
        sent = self._acorn_send_asn()
        if len(sent) == len(self):
            return True
        title = self.env._("The ASN was not sent")
        message = "\n".join(p.acorn_asn_errors or "" for p in self - sent.picking_id)
        return notification(title, message[:2000], "danger")

    def _acorn_send_asn(self, now=None):
        """One transaction per delivery whose ASN passes pre-validation; problems are stored
        on the picking (each naming its carton, line or field) and nothing is sent."""
        transactions = self.env["acorn.vc.transaction"]
        for picking in self:
            account = picking._acorn_account()
            if picking.state != "done":
                raise UserError(
                    self.env._("Validate %s before sending its ASN: Amazon wants what "
                               "actually left.", picking.name)
                )  # fmt: skip
            if picking.acorn_asn_state == "sent":
                raise UserError(
                    self.env._("The ASN of %s is with Amazon; wait for its answer.", picking.name)
                )
            picking._acorn_assign_ssccs()
            shipment, problems = picking._acorn_check_asn(now)
            text = "\n".join(str(p) for p in problems) or False
            if has_errors(problems):
                picking.write({"acorn_asn_errors": text})
                continue
            payload = {
                "shipmentConfirmations": [converters.shipment_confirmation_to_spapi(shipment)]
            }
            transactions |= transactions.sudo().create(
                {
                    "account_id": account.id,
                    "kind": "shipment_confirmation",
                    "purchase_order_id": picking.acorn_purchase_order_id.id,
                    "picking_id": picking.id,
                    "payload": payload,
                }
            )
            picking.write({"acorn_asn_state": "sent", "acorn_asn_errors": text})
            picking.message_post(
                body=self.env._(
                    "ASN %(id)s (%(type)s) queued for Amazon: %(cartons)s cartons, "
                    "%(pallets)s pallets.",
                    id=shipment.shipment_id,
                    type=shipment.confirmation_type,
                    cartons=len(shipment.all_cartons()),
                    pallets=len(shipment.pallets),
                )
            )
        transactions._acorn_enqueue_submit()
        return transactions

    def _acorn_asn_accepted(self, transaction):
        self.ensure_one()
        self.write(
            {
                "acorn_asn_state": "accepted",
                "acorn_asn_errors": False,
                "acorn_asn_accepted_at": fields.Datetime.now(),
            }
        )
        self._acorn_packages().write({"acorn_asn_picking_id": self.id})
        self.message_post(body=self.env._("Amazon accepted the ASN."))

    def _acorn_asn_rejected(self, transaction):
        self.ensure_one()
        self.write({"acorn_asn_state": "rejected", "acorn_asn_errors": transaction.errors})
        self.message_post(
            body=Markup("<p>%s</p><pre>%s</pre>")
            % (self.env._("Amazon rejected the ASN:"), escape(transaction.errors or ""))
        )

    # ------------------------------------------------------------------ labels

    def _acorn_label_data(self):
        """Label dicts for the QWeb template: one per pallet and carton, with the GS1-128
        barcode as a PNG data URI (reportlab writes FNC1 for \\xf1)."""
        self.ensure_one()
        shipment, _data = self._acorn_asn_shipment()
        missing = [c for c in shipment.all_cartons() if not c.sscc]
        missing += [p for p in shipment.pallets if not p.sscc]
        if missing:
            raise UserError(self.env._("Issue SSCCs first (Print Labels does it)."))
        Report = self.env["ir.actions.report"]
        po = self.acorn_purchase_order_id
        ship_to = po.partner_shipping_id
        out = []
        for label in labels_for(shipment):
            png = Report.barcode("Code128", label.barcode_value, width=1200, height=300)
            out.append(
                {
                    "label": label,
                    "barcode": "data:image/png;base64," + base64.b64encode(png).decode(),
                    "ship_to": ship_to,
                    "fc_code": po.ship_to_code,
                }
            )
        return out
