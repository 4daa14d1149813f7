from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..core.reports.documents import ReportDocumentError


class AcornVcReportUploadWizard(models.TransientModel):
    """Upload vendor report documents by hand (JSON or gzip, as Amazon's getReportDocument
    returns them): for an account without SP-API reports scheduled, a period fetched by
    another tool, or a document saved before Acorn. Each file is loaded on its own: a bad
    one is named with its reason and never stops the others."""

    _name = "acorn.vc.report.upload.wizard"
    _description = "Upload Vendor Report Documents"

    account_id = fields.Many2one(
        "acorn.vc.account",
        "Vendor Central Account",
        required=True,
        default=lambda self: self.env["acorn.vc.account"].search([], limit=1),
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="Report documents as Amazon's getReportDocument returns them: JSON, plain or gzip.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    result = fields.Html(readonly=True, sanitize=True)
    document_ids = fields.Many2many("acorn.vc.report.document", string="Documents")

    def action_upload(self):
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(self.env._("Choose at least one report document to upload."))
        Document = self.env["acorn.vc.report.document"]
        documents = Document
        lines = []
        for attachment in self.attachment_ids.sorted("id"):
            known = Document.search([("attachment_id.checksum", "=", attachment.checksum)])
            try:
                with self.env.cr.savepoint():
                    document = Document._acorn_upload(
                        self.account_id, attachment.name, attachment.raw
                    )
            except ReportDocumentError as exc:
                why = self.env._("%(why)s. Nothing was loaded from it.", why=exc)
                if attachment.name.lower().endswith((".csv", ".xlsx", ".xls")):
                    why += " " + self.env._(
                        "Acorn reads the JSON documents of SP-API's getReportDocument, not "
                        "the CSV or Excel downloads of Vendor Central's Retail Analytics."
                    )
                lines.append(Markup("<li class='text-danger'>%s</li>") % why)
                continue
            documents |= document
            lines.append(Markup("<li>%s</li>") % self._acorn_outcome(attachment, document, known))
        self.attachment_ids.unlink()  # each loaded file is archived on its document
        self.write(
            {
                "state": "done",
                "document_ids": [fields.Command.set(documents.ids)],
                "result": Markup("<ul>%s</ul>") % Markup("").join(lines),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Upload Report Documents"),
        }

    def _acorn_outcome(self, attachment, document, known):
        name = attachment.name
        if document in known:
            return self.env._(
                "%(file)s: already loaded as %(doc)s; nothing changed.",
                file=name,
                doc=document.display_name,
            )
        if document.state == "done":
            return self.env._(
                "%(file)s: %(rows)s rows loaded as %(doc)s.",
                file=name,
                rows=document.row_count,
                doc=document.display_name,
            )
        if document.state == "fatal":
            return self.env._(
                "%(file)s: Amazon ended this report FATAL (%(details)s). %(hint)s",
                file=name,
                details=document.error_details,
                hint=document.hint,
            )
        return self.env._(
            "%(file)s: %(doc)s has no rows (%(state)s).",
            file=name,
            doc=document.display_name,
            state=dict(document._fields["state"]._description_selection(self.env))[document.state],
        )

    def action_open_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_report_document_action"
        )
        action["domain"] = [("id", "in", self.document_ids.ids)]
        return action
