"""EDIFACT D.96A for Amazon Vendor Central (EU): envelopes, messages, CONTRL, validation.

Public entry points::

    from acorn_vendor_edi.core.edifact import read, iter_results, contrl_interchange
    from acorn_vendor_edi.core.edifact import render_desadv, write_interchange
"""

from .ack import ContrlReport, build_contrl, contrl_interchange, parse_contrl
from .api import (
    InterchangeResult,
    MessageResult,
    forget_memos,
    iter_results,
    process_message,
    read,
)
from .documents import (
    PARSERS,
    parse_desadv,
    parse_invoic,
    parse_invrpt,
    parse_orders,
    parse_ordrsp,
    parse_slsrpt,
    render_desadv,
    render_invoic,
    render_invrpt,
    render_orders,
    render_ordrsp,
    render_slsrpt,
)
from .issues import Issue
from .reader import EdifactReader, Interchange, InterchangeHeader, Message
from .rules import compare_acknowledgement, compare_invoice
from .syntax import Delimiters, EdifactSyntaxError, Segment
from .writer import InterchangeWriter, MessageBuilder, write_interchange
