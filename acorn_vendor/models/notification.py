def notification(title, message, kind):
    """The web client's toast, then a soft reload so the form shows what just changed."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": kind,
            "sticky": kind == "danger",
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
