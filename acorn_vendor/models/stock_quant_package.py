from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.gs1 import build_sscc, validate_sscc

# GS1: an SSCC must not be reused within a year of being issued.
SSCC_REUSE_DAYS = 365


class StockQuantPackage(models.Model):
    """Cartons and pallets as Amazon receives them: each carries an SSCC-18.

    Odoo 18 packages do not nest, so a carton names the pallet it sits on; the pallet is a
    package too (it may also hold eaches directly: a pallet of items).
    """

    _inherit = "stock.quant.package"

    acorn_sscc = fields.Char(
        "SSCC",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Serial Shipping Container Code on the GS1-128 label, issued from the Vendor "
        "Central account's GS1 company prefix when the label is first needed.",
    )
    acorn_sscc_date = fields.Datetime("SSCC Issued On", copy=False, readonly=True)
    acorn_is_pallet = fields.Boolean(
        "Pallet", help="A pallet (tare): cartons are put on it, or eaches straight onto it."
    )
    acorn_pallet_id = fields.Many2one(
        "stock.quant.package",
        "On Pallet",
        domain="[('acorn_is_pallet', '=', True), ('id', '!=', id)]",
        index="btree_not_null",
        copy=False,
        help="The pallet this carton travels on.",
    )
    acorn_carton_ids = fields.One2many(
        "stock.quant.package", "acorn_pallet_id", "Cartons on this Pallet"
    )
    acorn_asn_picking_id = fields.Many2one(
        "stock.picking",
        "Confirmed on ASN of",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The delivery whose ASN Amazon accepted with this package's SSCC.",
    )
    acorn_tracking_number = fields.Char(
        "Parcel Tracking Number", copy=False, help="Small parcel: the carrier's tracking number."
    )

    _sql_constraints = [
        ("acorn_sscc_uniq", "unique(acorn_sscc)", "An SSCC is issued to one package only."),
    ]

    @api.constrains("acorn_pallet_id", "acorn_is_pallet")
    def _check_acorn_pallet(self):
        for package in self:
            pallet = package.acorn_pallet_id
            if pallet and (not pallet.acorn_is_pallet or package.acorn_is_pallet):
                raise ValidationError(
                    self.env._(
                        "Package %(pkg)s cannot sit on %(pallet)s: only cartons go on pallets, "
                        "and only onto a package marked as a pallet.",
                        pkg=package.name,
                        pallet=pallet.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_acorn_recent_sscc(self):
        """Deleting the package would free its SSCC for reuse: not within GS1's year."""
        limit = fields.Datetime.now() - timedelta(days=SSCC_REUSE_DAYS)
        recent = self.filtered(lambda p: p.acorn_sscc and p.acorn_sscc_date > limit)
        if recent:
            raise UserError(
                self.env._(
                    "Packages %(names)s carry SSCCs issued less than a year ago; GS1 forbids "
                    "reusing them, so they are kept.",
                    names=", ".join(recent.mapped("name")),
                )
            )

    def _acorn_assign_sscc(self, account):
        """Issue an SSCC to each package lacking one, from ``account``'s prefix and sequence.

        The sequence never repeats a serial, the unique index refuses a number already on a
        package, and build_sscc refuses a serial that no longer fits the prefix.
        """
        todo = self.filtered(lambda p: not p.acorn_sscc)
        if not todo:
            return self
        prefix, extension = account.gs1_company_prefix, account.sscc_extension_digit
        if not prefix:
            raise UserError(
                self.env._(
                    "Account %s has no GS1 company prefix: enter it under Shipping before "
                    "labelling cartons.",
                    account.name,
                )
            )
        sequence = account.sudo()._acorn_sscc_sequence()
        pallet_extension = account.sscc_pallet_extension_digit
        issued = {}
        for package in todo:
            ext = pallet_extension if package.acorn_is_pallet and pallet_extension else extension
            try:
                issued[package] = build_sscc(ext or "0", prefix, sequence.next_by_id())
            except ValueError as exc:
                raise UserError(
                    self.env._("Account %(name)s: %(error)s", name=account.name, error=exc)
                ) from exc
        clash = self.sudo().search([("acorn_sscc", "in", list(issued.values()))], limit=1)
        apart = clash and account._acorn_sscc_peers().filtered(
            lambda a: a.sscc_sequence_id and a.sscc_sequence_id != sequence
        )
        if apart:
            raise UserError(
                self.env._(
                    "SSCC %(sscc)s was already issued: accounts %(names)s share GS1 prefix "
                    "%(prefix)s but number SSCCs with different sequences. Give them the same "
                    "SSCC Serial Sequence (the one furthest ahead).",
                    sscc=clash.acorn_sscc,
                    names=", ".join((account | apart).mapped("name")),
                    prefix=prefix,
                )
            )
        if clash:
            raise UserError(
                self.env._(
                    "SSCC %(sscc)s was already issued; the SSCC sequence of account "
                    "%(name)s has been set back. Move it past the highest serial issued.",
                    sscc=clash.acorn_sscc,
                    name=account.name,
                )
            )
        now = fields.Datetime.now()
        for package, sscc in issued.items():
            package.write({"acorn_sscc": sscc, "acorn_sscc_date": now})
        return self

    @api.constrains("acorn_sscc")
    def _check_acorn_sscc(self):
        for package in self.filtered("acorn_sscc"):
            problems = validate_sscc(package.acorn_sscc)
            if problems:
                raise ValidationError(
                    self.env._("Package %(name)s: %(p)s", name=package.name, p=problems[0])
                )
