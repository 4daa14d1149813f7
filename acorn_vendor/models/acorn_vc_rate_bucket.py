"""Amazon's usage plan for one SP-API operation, shared by every account and job.

The SP-API client's ``TokenBucket`` does the arithmetic; this model keeps its state between
jobs (column ``updated`` is the bucket's ``stamp``), and the row is
locked (SELECT ... FOR UPDATE) while a job takes a token, so two workers never spend the
same one. createReport allows about one call a minute with a burst of 15.
"""

import time

from odoo import api, fields, models

from ..core.spapi.throttle import TokenBucket
from ..core.spapi_models import RATE_LIMITS


class AcornVcRateBucket(models.Model):
    _name = "acorn.vc.rate.bucket"
    _description = "Vendor Central Rate Limit Bucket"
    _rec_name = "operation"

    operation = fields.Char(required=True, readonly=True)
    tokens = fields.Float(readonly=True)
    updated = fields.Float(readonly=True, help="POSIX time of the last refill.")

    _sql_constraints = [
        ("operation_unique", "UNIQUE(operation)", "One bucket per SP-API operation."),
    ]

    @api.model
    def _acorn_take(self, operation, now=None):
        """Take one token for ``operation``: 0.0 when taken, else the seconds to wait."""
        now = time.time() if now is None else now
        rate, burst = RATE_LIMITS[operation]
        bucket = self.sudo().search([("operation", "=", operation)])
        if not bucket:
            bucket = self.sudo().create({"operation": operation, "tokens": burst, "updated": now})
            self.env.flush_all()
        self.env.cr.execute(
            "SELECT tokens, updated FROM acorn_vc_rate_bucket WHERE id = %s FOR UPDATE",
            (bucket.id,),
        )
        tokens, updated = self.env.cr.fetchone()
        state = TokenBucket.restore(
            rate, burst, {"tokens": tokens, "stamp": updated}, clock=lambda: now
        )
        wait = state.try_take()
        if wait:
            return wait
        self.env.cr.execute(
            "UPDATE acorn_vc_rate_bucket SET tokens = %s, updated = %s WHERE id = %s",
            (state.tokens, state.stamp, bucket.id),
        )
        bucket.invalidate_recordset()
        return 0.0
