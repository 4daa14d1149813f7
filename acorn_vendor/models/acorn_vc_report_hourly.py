"""What the three real-time reports' rows add: the UTC hour they cover.

Amazon's real-time reports give one row per ASIN and full hour; ``period_start`` keeps the
hour's day (for grouping with the daily reports) and ``start_time``/``end_time`` the hour.
A re-import replaces the hours it covers.
"""

from odoo import fields, models


class AcornVcReportHourly(models.AbstractModel):
    _name = "acorn.vc.report.hourly"
    _inherit = "acorn.vc.report.line"
    _description = "Vendor Central Real-time Report Row"
    _order = "start_time desc, asin"

    _acorn_replace_by = "start_time"

    start_time = fields.Datetime(readonly=True, help="The hour's start (UTC).")
    end_time = fields.Datetime(readonly=True, help="The hour's end (UTC).")
