import logging

import psycopg2

from odoo import api, fields, models

from ..core.odoo_values import json_text

_logger = logging.getLogger(__name__)


class AcornVcPayload(models.Model):
    """Every document Amazon sent, as sent: the audit trail behind each Acorn record.

    A payload that could not be imported is kept here with its error, so nothing is lost.
    """

    _name = "acorn.vc.payload"
    _description = "Vendor Central Payload"
    _order = "id desc"

    account_id = fields.Many2one(
        "acorn.vc.account",
        compute="_compute_account_id",
        store=True,
        readonly=False,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    purchase_order_id = fields.Many2one("acorn.vc.purchase.order", index=True, ondelete="cascade")
    reference = fields.Char(help="Amazon's document number, also when it could not be imported.")
    content = fields.Json(required=True)
    content_text = fields.Text("Content (JSON)", compute="_compute_content_text")
    payload_hash = fields.Char(index=True)
    error = fields.Text()

    @api.depends("content")
    def _compute_content_text(self):
        for payload in self:
            payload.content_text = json_text(payload.content)

    @api.depends("purchase_order_id")
    def _compute_account_id(self):
        for payload in self:
            payload.account_id = payload.purchase_order_id.account_id or payload.account_id

    def init(self):
        """Archive compression lz4 (PostgreSQL 14+ built with it): a backfill writes
        thousands of payloads a second, and lz4 compresses them about twice as fast as the
        default pglz for ~10% more space. Elsewhere the default stays; nothing depends on it."""
        cr = self.env.cr
        if cr._cnx.server_version < 140000:  # column compression came with PostgreSQL 14
            return
        cr.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'acorn_vc_payload'::regclass AND attname = 'content'"
        )
        if cr.fetchone()[0] == "l":
            return
        try:
            with cr.savepoint(flush=False):
                cr.execute("ALTER TABLE acorn_vc_payload ALTER COLUMN content SET COMPRESSION lz4")
        except psycopg2.Error as exc:
            _logger.info("acorn.vc.payload: keeping PostgreSQL's default compression (%s)", exc)
