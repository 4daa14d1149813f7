from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.spapi.converters import shipment_confirmation_to_spapi
from ..core.spapi_models import validate_definition
from .common import AcornVendorCommon


class AsnCommon(AcornVendorCommon):
    """A sandbox with New POs; each test takes its own PO through acknowledgement to a
    confirmed sale order with a delivery (the sandbox keeps its state between tests)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=57,
            pos_per_day=16,
            history_days=1,
            lines_max=3,
            frozen_clock=True,
            transaction_delay=60,
            change_rate=0,
        )
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Acorn ASN Warehouse", "code": "ACAW", "company_id": cls.company.id}
        )
        cls.company.partner_id.write(
            {
                "street": "100 Industrial Way",
                "city": "Allentown",
                "zip": "18106",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.account.write(
            {
                "warehouse_id": cls.warehouse.id,
                "ack_price_tolerance_pct": 0,
                "gs1_company_prefix": "0614141",
                "asn_shipment_type": "LessThanTruckLoad",
                "asn_carrier_scac": "ODFL",
            }
        )
        cls.products = cls._catalogue_products()
        cls.sandbox.advance(86400)  # a day of New POs waits for the vendor
        cls.account._acorn_sync_purchase_orders(now=cls.sandbox.now().replace(tzinfo=None))
        cls.pos = cls.env["acorn.vc.purchase.order"].search(
            [
                ("account_id", "=", cls.account.id),
                ("amz_state", "=", "new"),
                ("sale_order_id", "!=", False),
                ("unmatched_line_count", "=", 0),
            ]
        )
        cls.used = set()

    def _run(self, tx):
        """Amazon's side of a transaction: submit, time passes, ask for the verdict."""
        tx._acorn_job_submit()
        self.assertEqual(tx.state, "processing", tx.errors)
        self.sandbox.advance(120)
        tx._acorn_job_check_status()
        return tx.state

    def _delivery(self):
        """The next unused PO, acknowledged in full at the sandbox: its delivery, reserved."""
        po = self.pos.filtered(lambda p: p.id not in self.used)[:1]
        self.assertTrue(po, "the sandbox has another New PO")
        self.used.add(po.id)
        for line in po.line_ids:
            self.env["stock.quant"]._update_available_quantity(
                line.product_id, self.warehouse.lot_stock_id, line.ordered_units
            )
        po.action_accept_all()
        self.assertEqual(self._run(po._acorn_send_acknowledgement()), "success")
        picking = po.sale_order_id.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.acorn_purchase_order_id, po)
        self.assertEqual(picking.acorn_asn_state, "to_send")
        picking.action_assign()
        return picking

    def _pack(self, picking, pallet=True):
        """Put in Pack, one carton per move line, then the cartons on one pallet."""
        for move_line in picking.move_line_ids:
            picking._put_in_pack(move_line)
        if pallet:
            picking.action_acorn_put_on_pallet()
        return picking.move_line_ids.result_package_id

    def _ship(self, picking, pallet=True):
        cartons = self._pack(picking, pallet)
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        return cartons


@tagged("-at_install", "post_install")
class TestAsn(AsnCommon):
    """End to end against the sandbox, and the mistakes caught before Amazon sees them."""

    def test_packed_delivery_asn_accepted_then_replaced(self):
        picking = self._delivery()
        cartons = self._ship(picking)
        pallet = cartons.acorn_pallet_id
        self.assertEqual(len(pallet), 1)
        self.assertEqual(picking.acorn_carton_count, len(cartons))
        self.assertEqual(picking.acorn_pallet_count, 1)
        picking.acorn_bill_of_lading = "BOL-4711"
        tx = picking._acorn_send_asn()
        self.assertEqual(len(tx), 1, picking.acorn_asn_errors)
        self.assertEqual((tx.kind, tx.picking_id, picking.acorn_asn_state), (
            "shipment_confirmation", picking, "sent"))  # fmt: skip
        self.assertTrue(
            self.env["queue.job"].search([("func_string", "like", f"({tx.id},)._acorn_job_submit")])
        )
        asn = tx.payload["shipmentConfirmations"][0]
        validate_definition("vendorShipments.json", "ShipmentConfirmation", asn)
        self.assertEqual(asn["shipmentConfirmationType"], "Original")
        self.assertEqual(asn["shipmentStructure"], "PalletizedStandardCase")
        self.assertEqual(asn["transportationDetails"]["billOfLadingNumber"], "BOL-4711")
        po = picking.acorn_purchase_order_id
        self.assertEqual(asn["shipToParty"]["partyId"], po.ship_to_code)
        self.assertEqual(asn["shipFromParty"]["address"]["city"], "Allentown")
        ssccs = {c["cartonIdentifiers"][0]["containerIdentificationNumber"] for c in asn["cartons"]}
        self.assertEqual(ssccs, set(cartons.mapped("acorn_sscc")))
        self.assertTrue(all(s.startswith("00614141") for s in ssccs))
        self.assertEqual(asn["pallets"][0]["palletIdentifiers"][0]["containerIdentificationNumber"],
                         pallet.acorn_sscc)  # fmt: skip
        shipped = {i["amazonProductIdentifier"]: i["shippedQuantity"]["amount"]
                   for i in asn["shippedItems"]}  # fmt: skip
        ordered = {ln.asin: ln.ordered_units for ln in picking.acorn_purchase_order_id.line_ids}
        self.assertEqual(shipped, ordered)

        self.assertEqual(self._run(tx), "success", tx.errors)
        self.assertEqual(picking.acorn_asn_state, "accepted")
        self.assertEqual(set((cartons | pallet).mapped("acorn_asn_picking_id")), {picking})

        # A correction after acceptance goes as a Replace of the same shipment.
        picking.acorn_bill_of_lading = "BOL-4712"
        replace = picking._acorn_send_asn()
        body = replace.payload["shipmentConfirmations"][0]
        self.assertEqual(
            (body["shipmentConfirmationType"], body["shipmentIdentifier"]),
            ("Replace", asn["shipmentIdentifier"]),
        )
        self.assertEqual(self._run(replace), "success", replace.errors)
        self.assertEqual(picking.acorn_asn_state, "accepted")

    def test_mistakes_the_sandbox_rejects_are_caught_first(self):
        """The negative twins: pre-validation names each mistake and sends nothing; the same
        ASN forced through anyway is refused by the sandbox with the same code."""
        picking = self._delivery()
        move = picking.move_ids[0]
        move.quantity = move.product_uom_qty + 2  # two eaches more than Amazon accepted
        self._ship(picking)
        picking.acorn_shipped_date = fields.Datetime.now() + timedelta(days=5)
        picking.acorn_bill_of_lading = "BOL-9"
        self.assertFalse(picking._acorn_send_asn())
        self.assertEqual(picking.acorn_asn_state, "to_send")
        line = move.sale_line_id.acorn_po_line_id
        errors = picking.acorn_asn_errors
        self.assertIn("[SHIPPED_QUANTITY_EXCEEDS_ACCEPTED]", errors)
        self.assertIn(f"line {line.sequence_number}", errors)
        self.assertIn(f"Reduce the shipped quantity to {line.accepted_qty}", errors)
        self.assertIn("[SHIPPED_DATE_IN_FUTURE]", errors)
        self.assertIn("shipped date", errors)
        self.assertFalse(picking.acorn_transaction_ids)

        shipment, problems = picking._acorn_check_asn()
        forced = self.env["acorn.vc.transaction"].create(
            {
                "account_id": self.account.id,
                "kind": "shipment_confirmation",
                "picking_id": picking.id,
                "purchase_order_id": picking.acorn_purchase_order_id.id,
                "payload": {"shipmentConfirmations": [shipment_confirmation_to_spapi(shipment)]},
            }
        )
        self.assertEqual(self._run(forced), "failure")
        self.assertIn("SHIPPED_QUANTITY_EXCEEDS_ACCEPTED", forced.errors)
        self.assertIn("SHIPPED_DATE_IN_FUTURE", forced.errors)
        self.assertEqual(picking.acorn_asn_state, "rejected")
        self.assertIn("SHIPPED_QUANTITY_EXCEEDS_ACCEPTED", picking.acorn_asn_errors)
        self.assertEqual(
            {p.code for p in problems if p.is_error},
            {"SHIPPED_QUANTITY_EXCEEDS_ACCEPTED", "SHIPPED_DATE_IN_FUTURE"},
        )

    def test_labels_carrier_data_and_unpacked_goods_are_checked(self):
        picking = self._delivery()
        cartons = self._pack(picking, pallet=False)
        packed = picking.move_line_ids.filtered(lambda ml: ml.quantity >= 2)[:1]
        self.assertTrue(packed, "a line of more than one each")
        packed.quantity -= 1
        packed.copy({"quantity": 1, "result_package_id": False})  # picked, never packed
        picking.move_ids.picked = True
        picking.button_validate()
        self.account.asn_carrier_scac = False
        picking._acorn_assign_ssccs()
        carton = cartons.filtered("acorn_sscc")[:1]
        bad = carton.acorn_sscc[:-1] + str((int(carton.acorn_sscc[-1]) + 1) % 10)
        self.env.flush_all()  # a hand-edited label number, past the ORM's check
        self.env.cr.execute(
            "UPDATE stock_quant_package SET acorn_sscc = %s WHERE id = %s", (bad, carton.id)
        )
        carton.invalidate_recordset(["acorn_sscc"])
        self.assertFalse(picking._acorn_send_asn())
        errors = picking.acorn_asn_errors
        self.assertIn("[MISSING_BILL_OF_LADING]", errors)
        self.assertIn("[MISSING_CARRIER_SCAC]", errors)
        self.assertIn("[INVALID_SSCC] carton", errors)
        self.assertIn(bad, errors)
        self.assertIn("[CONTAINER_QUANTITY_MISMATCH]", errors)
        self.assertNotIn("PICKING_QUANTITY_MISMATCH", errors)

    def test_sscc_serials_are_never_reused(self):
        picking = self._delivery()
        cartons = self._pack(picking, pallet=False)
        picking._acorn_assign_ssccs()
        self.assertEqual(len(set(cartons.mapped("acorn_sscc"))), len(cartons))
        issued = cartons[:1].acorn_sscc
        with self.assertRaisesRegex(UserError, "less than a year"):
            cartons[:1].unlink()
        # Someone sets the serial sequence back: the next SSCC would repeat one, refused.
        sequence = self.account.sscc_sequence_id
        sequence.number_next_actual = int(issued[8:17])
        extra = self.env["stock.quant.package"].create({"name": "EXTRA"})
        with self.assertRaisesRegex(UserError, "already issued"):
            extra._acorn_assign_sscc(self.account)

    def test_accounts_with_one_gs1_prefix_share_sscc_serials(self):
        """The vendor's SP-API and EDI accounts (as in the demo) have one GS1 prefix: their
        cartons never get the same SSCC, whichever ships first."""
        other = self.env["acorn.vc.account"].create(
            {
                "name": "Amazon US (second)",
                "marketplace_code": "US",
                "gs1_company_prefix": "0614141",
            }
        )
        Package = self.env["stock.quant.package"]
        first = Package.create({"name": "FIRST"})._acorn_assign_sscc(self.account)
        second = Package.create({"name": "SECOND"})._acorn_assign_sscc(other)
        self.assertEqual(other.sscc_sequence_id, self.account.sscc_sequence_id)
        self.assertNotEqual(first.acorn_sscc, second.acorn_sscc)
        # Accounts that already number apart: the clash says how to mend it.
        apart = self.env["acorn.vc.account"].create(
            {"name": "Amazon US (apart)", "marketplace_code": "US", "gs1_company_prefix": "0614141"}
        )
        apart.sscc_sequence_id = self.account.sscc_sequence_id.copy(
            {"number_next": int(first.acorn_sscc[8:17])}
        )
        with self.assertRaisesRegex(UserError, "share GS1 prefix 0614141"):
            Package.create({"name": "THIRD"})._acorn_assign_sscc(apart)

    def test_sscc_needs_a_prefix_and_a_serial_that_fits(self):
        package = self.env["stock.quant.package"].create({"name": "P1"})
        self.account.gs1_company_prefix = False
        with self.assertRaisesRegex(UserError, "no GS1 company prefix"):
            package._acorn_assign_sscc(self.account)
        self.account.gs1_company_prefix = "061414112345"  # 12 digits leave 4 for the serial
        self.account._acorn_sscc_sequence().number_next_actual = 10000
        with self.assertRaisesRegex(UserError, "does not fit"):
            package._acorn_assign_sscc(self.account)

    def test_logistics_user_prints_labels_and_sends_the_asn(self):
        picking = self._delivery()
        self._ship(picking)
        picking.acorn_bill_of_lading = "BOL-77"
        as_logistics = picking.with_user(self.user_logistics)
        as_logistics.action_acorn_print_labels()
        self.assertTrue(all(picking.acorn_package_ids.mapped("acorn_sscc")))
        self.assertIs(as_logistics.action_acorn_send_asn(), True, picking.acorn_asn_errors)
        self.assertEqual(picking.acorn_asn_state, "sent")
        self.assertEqual(len(picking.acorn_transaction_ids), 1)

    def test_send_asn_needs_a_validated_delivery(self):
        picking = self._delivery()
        with self.assertRaisesRegex(UserError, "before sending its ASN"):
            picking.action_acorn_send_asn()
