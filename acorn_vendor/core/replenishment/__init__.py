"""Amazon's forecast turned into purchases from our own suppliers (issue 16), without Odoo.

- ``amazon_demand``: the units Amazon is expected to order from us, per ASIN and week, at a
  service level (or, without a forecast, from Amazon's PO history);
- ``purchase_need``: what we must buy, when, and a sentence saying why;
- ``backtest``: past forecast snapshots against Amazon's actual orders (MAPE, bias, coverage).
"""
