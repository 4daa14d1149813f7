"""EDI codecs (ANSI X12, EDIFACT) for Amazon Vendor: plain Python, no Odoo import."""
