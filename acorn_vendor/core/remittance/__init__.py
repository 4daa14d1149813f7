"""Amazon remittances without Odoo: read the Payments export, decode lines, match, plan the
booking.

    payments_export.read_payments_export(bytes)  -> ParsedExport (payments, issues)
    line_kinds.decode(number, description, amount) -> kind, base invoice, reversal key
    import_keys.select_new(account, payments, known_keys) -> what an import still creates
    matching.match_payments(payments, open_documents, mapping) -> PaymentDecision per payment
    booking.plan_bookings(decisions, account_roles) -> balanced BookingPlans, held decisions
    month_end.month_end(entries, month, ledger_closing) -> opening, sections, closing, tie-out

The Odoo models map records to these plain objects and back; command line:
``./acorn finance parse FILE [--json]``.
"""
