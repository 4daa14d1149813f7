from odoo import fields, models


class AcornVcReportInventory(models.Model):
    """GET_VENDOR_INVENTORY_REPORT rows. On-hand values are as of the window's last day;
    the three rates at the top exist in Amazon's aggregate only (per ASIN they stay NULL)."""

    _name = "acorn.vc.report.inventory"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Inventory Report"

    _acorn_report_type = "GET_VENDOR_INVENTORY_REPORT"
    _acorn_fields = {
        "procurableProductOutOfStockRate": "procurable_product_out_of_stock_rate",
        "uft": "uft",
        "receiveFillRate": "receive_fill_rate",
        "vendorConfirmationRate": "vendor_confirmation_rate",
        "netReceivedInventoryCost": "net_received_inventory_cost",
        "netReceivedInventoryUnits": "net_received_inventory_units",
        "openPurchaseOrderUnits": "open_purchase_order_units",
        "averageVendorLeadTimeDays": "average_vendor_lead_time_days",
        "sellThroughRate": "sell_through_rate",
        "unfilledCustomerOrderedUnits": "unfilled_customer_ordered_units",
        "sellableOnHandInventoryCost": "sellable_on_hand_inventory_cost",
        "sellableOnHandInventoryUnits": "sellable_on_hand_inventory_units",
        "unsellableOnHandInventoryCost": "unsellable_on_hand_inventory_cost",
        "unsellableOnHandInventoryUnits": "unsellable_on_hand_inventory_units",
        "aged90PlusDaysSellableInventoryCost": "aged90_plus_days_sellable_inventory_cost",
        "aged90PlusDaysSellableInventoryUnits": "aged90_plus_days_sellable_inventory_units",
        "unhealthyInventoryCost": "unhealthy_inventory_cost",
        "unhealthyInventoryUnits": "unhealthy_inventory_units",
        "currency": "currency_code",
    }

    procurable_product_out_of_stock_rate = fields.Float(
        "Procurable OOS rate", readonly=True, aggregator="avg"
    )
    uft = fields.Float("UFT", readonly=True, aggregator="avg")
    receive_fill_rate = fields.Float(readonly=True, aggregator="avg")
    vendor_confirmation_rate = fields.Float(readonly=True, aggregator="avg")
    net_received_inventory_cost = fields.Float(readonly=True)
    net_received_inventory_units = fields.Integer(readonly=True)
    open_purchase_order_units = fields.Integer(readonly=True)
    average_vendor_lead_time_days = fields.Float(readonly=True, aggregator="avg")
    sell_through_rate = fields.Float(readonly=True, aggregator="avg")
    unfilled_customer_ordered_units = fields.Integer(readonly=True)
    sellable_on_hand_inventory_cost = fields.Float(readonly=True)
    sellable_on_hand_inventory_units = fields.Integer(readonly=True)
    unsellable_on_hand_inventory_cost = fields.Float(readonly=True)
    unsellable_on_hand_inventory_units = fields.Integer(readonly=True)
    aged90_plus_days_sellable_inventory_cost = fields.Float(
        "Aged 90+ days sellable cost", readonly=True
    )
    aged90_plus_days_sellable_inventory_units = fields.Integer(
        "Aged 90+ days sellable units", readonly=True
    )
    unhealthy_inventory_cost = fields.Float(readonly=True)
    unhealthy_inventory_units = fields.Integer(readonly=True)
    currency_code = fields.Char(readonly=True)
