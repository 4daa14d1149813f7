import base64
import json
import re

from odoo.tests import tagged

from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestSpreadsheetDashboard(AcornVendorCommon):
    """The Amazon Vendor dashboard the module ships in the Dashboards app."""

    def test_dashboard_is_loaded_and_everything_it_reads_exists(self):
        dashboard = self.env.ref("acorn_vendor.spreadsheet_dashboard_amazon_vendor")
        self.assertTrue(dashboard.is_published)
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        filters = {f["id"]: f for f in data["globalFilters"]}
        for flt in filters.values():
            if flt["type"] == "relation":
                self.assertIn(flt["modelName"], self.env)

        def check(model_name, fields, matching):
            model = self.env[model_name]
            for name in fields:
                self.assertIn(name.split(":")[0], model._fields, f"{model_name}.{name}")
            for filter_id, match in matching.items():
                self.assertIn(filter_id, filters)
                self.assertIn(match["chain"], model._fields, f"{model_name}.{match['chain']}")
            return model

        for pivot in data["pivots"].values():
            model = check(
                pivot["model"],
                [m["fieldName"] for m in pivot["measures"]]
                + [g["fieldName"] for g in pivot["rows"] + pivot["columns"]],
                pivot["fieldMatching"],
            )
            # The web client drops, without a word, a sort on a field that is not a measure.
            if pivot.get("sortedColumn"):
                self.assertIn(
                    pivot["sortedColumn"]["measure"], [m["fieldName"] for m in pivot["measures"]]
                )
            # The server side of the pivot answers (read_group with its domain and rows).
            measures = [
                f"{m['fieldName']}:{m.get('aggregator') or 'sum'}" for m in pivot["measures"]
            ]
            model.read_group(pivot["domain"], measures, [g["fieldName"] for g in pivot["rows"]])
        figures = [f for sheet in data["sheets"] for f in sheet["figures"]]
        self.assertTrue(figures)
        for figure in figures:
            chart = figure["data"]
            self.assertTrue(chart["type"].startswith("odoo_"))
            meta = chart["metaData"]
            check(
                meta["resModel"],
                [meta["measure"], *meta["groupBy"]],
                chart["fieldMatching"],
            )
        for menu in data["chartOdooMenusReferences"].values():
            self.assertTrue(self.env.ref(menu))
        cells = [c["content"] for sheet in data["sheets"] for c in sheet["cells"].values()]
        # each pivot is on the sheet once (=PIVOT(id) or =PIVOT(id, rows shown))
        self.assertEqual(
            sorted(
                re.match(r"=PIVOT\((\d+)", c).group(1) for c in cells if c.startswith("=PIVOT(")
            ),
            sorted(data["pivots"]),
        )
        snapshot = dashboard.with_user(self.user_ops).get_readonly_dashboard()
        self.assertEqual(
            json.loads(json.dumps(snapshot["snapshot"]))["pivots"].keys(), data["pivots"].keys()
        )
