"""Amazon deductions without Odoo: dispute windows, the chargeback export, assessment.

deadlines.dispute_window(kind, due_date=..., notice_date=...) -> DisputeWindow or None
deadlines.window_state(window, today, disputes_filed) -> not_open/open/closing/expired
"""
