from odoo import fields, models


class AcornVcReportForecast(models.Model):
    """GET_VENDOR_FORECASTING_REPORT rows: weekly sell-out forecasts (floats since 2025).

    A new forecast replaces the one generated the same day; older generations are kept so a
    forecast can be compared with what sold.
    """

    _name = "acorn.vc.report.forecast"
    _inherit = "acorn.vc.report.line"
    _description = "Amazon Forecasting Report"

    _acorn_report_type = "GET_VENDOR_FORECASTING_REPORT"
    _acorn_replace_by = "forecast_generation_date"
    _acorn_fields = {
        "forecastGenerationDate": "forecast_generation_date",
        "meanForecastUnits": "mean_forecast_units",
        "p70ForecastUnits": "p70_forecast_units",
        "p80ForecastUnits": "p80_forecast_units",
        "p90ForecastUnits": "p90_forecast_units",
    }

    forecast_generation_date = fields.Date(readonly=True)
    mean_forecast_units = fields.Float(readonly=True)
    p70_forecast_units = fields.Float("P70 forecast units", readonly=True)
    p80_forecast_units = fields.Float("P80 forecast units", readonly=True)
    p90_forecast_units = fields.Float("P90 forecast units", readonly=True)
