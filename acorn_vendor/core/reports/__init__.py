"""Amazon's vendor reports without Odoo: read documents, plan requests, compute KPIs.

- ``report_types``: the report types and their fields, read from Amazon's schemas;
- ``documents``: a document (plain or gzip) -> checked rows and typed DataFrames;
- ``periods``: Amazon's period rules and the check of a createReport request;
- ``schedule``: what to request next (lag, re-pulls, backfill) and when (token bucket);
- ``kpi``: KPIs from Acorn's records and from Amazon's reports, side by side;
- ``cross_check``: the monthly check of Acorn's POs, acknowledgements and ASNs vs Amazon's;
- ``cli``: ``./acorn reports parse FILE [--json]``.
"""
