import logging

from odoo import http
from odoo.http import request

from ..core.transports import TransportError
from ..core.transports.as2 import As2Receiver

_logger = logging.getLogger(__name__)


class AcornEdiAs2Controller(http.Controller):
    """Amazon pushes AS2 messages here; the answer is the MDN.

    The message is decrypted, verified and written to the account's spool before the MDN
    says "processed", so a positive MDN never covers a file Acorn could lose. Processing
    happens in the account's poll job, queued at once, like any other transport's file.
    """

    @http.route(
        "/acorn/edi/as2/<int:account_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def acorn_edi_as2_receive(self, account_id, **_kw):
        account = request.env["acorn.vc.account"].sudo().browse(account_id).exists()
        if not account or account.channel != "edi" or account.edi_transport != "as2":
            return request.make_response("No AS2 account here.", status=404)
        httprequest = request.httprequest
        try:
            receiver = As2Receiver(account._acorn_edi_transport_settings())
            inbound, mdn_headers, mdn_body = receiver.handle(
                httprequest.headers, httprequest.get_data()
            )
        except TransportError as exc:  # our own settings are wrong: say so, keep nothing
            _logger.error("AS2 endpoint of account %s is misconfigured: %s", account.name, exc)
            return request.make_response("AS2 receiver misconfigured.", status=503)
        if inbound is not None:
            account.action_edi_poll_now()
        if not mdn_headers:
            # The partner asked for no MDN: the status code is the only answer.
            return request.make_response(b"", status=200 if inbound is not None else 400)
        return request.make_response(mdn_body, headers=list(mdn_headers.items()), status=200)
