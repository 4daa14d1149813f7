import json
from datetime import date

from odoo.tests import tagged

from .common import AcornVendorCommon

SPEC = {"dataStartTime": "2026-02-14", "dataEndTime": "2026-02-16", "marketplaceIds": ["X"]}


def inventory_row(day, asin, rate, received, lead=None):
    return {
        "startDate": day,
        "endDate": day,
        "asin": asin,
        "vendorConfirmationRate": rate,
        "netReceivedInventoryUnits": received,
        "averageVendorLeadTimeDays": lead,
    }


def sales_row(day, asin, shipped, returns=0):
    return {
        "startDate": day,
        "endDate": day,
        "asin": asin,
        "shippedUnits": shipped,
        "customerReturns": returns,
        "shippedRevenue": {"amount": shipped * 10.0, "currencyCode": "USD"},
        "shippedCogs": {"amount": shipped * 6.0, "currencyCode": "USD"},
    }


class ReportRowsMixin:
    """Hand-built documents loaded by the same loader as Amazon's."""

    def _load(self, report_type, rows, program="RETAIL", view="MANUFACTURING", window=None):
        first, last = window or (date(2026, 2, 14), date(2026, 2, 16))
        prefix = {"GET_VENDOR_SALES_REPORT": "sales", "GET_VENDOR_INVENTORY_REPORT": "inventory"}
        options = {"reportPeriod": "DAY", "sellingProgram": program, "distributorView": view}
        raw = json.dumps(
            {
                "reportSpecification": {
                    **SPEC,
                    "dataStartTime": str(first),
                    "dataEndTime": str(last),
                    "reportType": report_type,
                    "reportOptions": options,
                },
                f"{prefix[report_type]}Aggregate": [],
                f"{prefix[report_type]}ByAsin": rows,
            }
        )
        doc = self.env["acorn.vc.report.document"].create(
            {
                "account_id": self.account.id,
                "report_type": report_type,
                "options": json.dumps(options),
                "report_period": "DAY",
                "selling_program": program,
                "distributor_view": view,
                "period_start": first,
                "period_end": last,
                "reason": "upload",
            }
        )
        doc._acorn_load_document(raw)
        self.assertEqual(doc.state, "done", doc.error_details)
        self.env.flush_all()
        return doc


@tagged("-at_install", "post_install")
class TestVendorReportKpi(ReportRowsMixin, AcornVendorCommon):
    """The KPI view over hand-built documents."""

    def _kpis(self, domain=()):
        return self.env["acorn.vc.report.kpi"].search(
            [("account_id", "=", self.account.id), *domain]
        )

    def test_a_period_across_accounts_is_read_through_an_index_on_the_week(self):
        # The dashboard filters a period across every account; the (account, week) index
        # cannot serve that, and a full scan per query made it open in seconds.
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'acorn_vc_report_kpi'"
        )
        definitions = [row[0] for row in self.env.cr.fetchall()]
        self.assertTrue(any(d.endswith("(week_start)") for d in definitions), definitions)

    def test_rates_are_weighted_by_received_units_in_a_row_and_across_rows(self):
        # Sunday 15 and Monday 16 Feb: one Amazon week. 90 units at 100%, 10 at 0%.
        self._load(
            "GET_VENDOR_INVENTORY_REPORT",
            [
                inventory_row("2026-02-15", "B0KPI00001", 1.0, 90, lead=10.0),
                inventory_row("2026-02-16", "B0KPI00001", 0.0, 10, lead=20.0),
                inventory_row("2026-02-16", "B0KPI00002", 0.5, 100, lead=5.0),
            ],
        )
        first = self._kpis([("asin", "=", "B0KPI00001")])
        self.assertEqual(len(first), 1)
        self.assertAlmostEqual(first.vendor_confirmation_rate, 0.9)  # unweighted: 0.5
        self.assertAlmostEqual(first.average_vendor_lead_time_days, 11.0)  # unweighted: 15
        # Across ASINs (what a pivot by account shows): (0.9 * 100 + 0.5 * 100) / 200.
        (group,) = self.env["acorn.vc.report.kpi"].read_group(
            [("account_id", "=", self.account.id)],
            ["vendor_confirmation_rate:avg", "average_vendor_lead_time_days:avg"],
            ["account_id"],
        )
        self.assertAlmostEqual(group["vendor_confirmation_rate"], 0.7)  # mean of rows: 0.667
        self.assertAlmostEqual(group["average_vendor_lead_time_days"], 8.0)

    def test_return_rate_over_rows_is_returns_over_shipped_units(self):
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [
                sales_row("2026-02-15", "B0KPI00001", 100, 10),
                sales_row("2026-02-15", "B0KPI00002", 1),
            ],
        )
        (group,) = self.env["acorn.vc.report.kpi"].read_group(
            [("account_id", "=", self.account.id)], ["return_rate:avg"], ["account_id"]
        )
        self.assertAlmostEqual(group["return_rate"], 10 / 101)  # mean of rows: 0.05

    def test_program_and_view_are_fields_to_filter_and_group_by(self):
        self._load("GET_VENDOR_SALES_REPORT", [sales_row("2026-02-15", "B0KPI00001", 7)])
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [sales_row("2026-02-15", "B0KPI00001", 3)],
            program="BUSINESS",
            view="SOURCING",
        )
        retail = self._kpis([("selling_program", "=", "RETAIL")])
        self.assertEqual(retail.mapped("shipped_units"), [7])
        sourcing = self._kpis([("distributor_view", "=", "SOURCING")])
        self.assertEqual(sourcing.mapped("shipped_units"), [3])
        groups = self.env["acorn.vc.report.kpi"].read_group(
            [("account_id", "=", self.account.id)],
            ["shipped_units:sum"],
            ["selling_program", "distributor_view"],
            lazy=False,
        )
        self.assertEqual(
            {(g["selling_program"], g["distributor_view"], g["shipped_units"]) for g in groups},
            {("RETAIL", "MANUFACTURING", 7), ("BUSINESS", "SOURCING", 3)},
        )

    def test_amazon_weeks_put_a_sunday_first_and_a_saturday_last(self):
        # Sat 14 Feb belongs to the week of Sunday 8 Feb; Sun 15 and Mon 16 to that of the
        # 15th. A Monday week start (or date_trunc('week') - 1) puts Sunday 15 with the 8th.
        self._load(
            "GET_VENDOR_SALES_REPORT",
            [
                sales_row("2026-02-14", "B0KPI00001", 1),
                sales_row("2026-02-15", "B0KPI00001", 10),
                sales_row("2026-02-16", "B0KPI00001", 100),
            ],
        )
        weeks = {k.week_start: k.shipped_units for k in self._kpis()}
        self.assertEqual(weeks, {date(2026, 2, 8): 1, date(2026, 2, 15): 110})
