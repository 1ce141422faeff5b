# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..services.money_format import xlsx_currency_format
from ..tools import cockpit_metrics

# a figure without a value (a ratio whose denominator is zero), as on the screen
NO_VALUE = "—"


class SalesPlusCockpitXlsx(models.AbstractModel):
    """The cockpit as XLSX: the very payload the screen shows to the user for
    the filters they picked (computed again with their rights)."""

    _name = "report.sales_plus.cockpit_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Sales Cockpit XLSX Export"

    def generate_xlsx_report(self, workbook, data, companies):
        payload = self.env["sales_plus.cockpit"].get_cockpit_data((data or {}).get("filters"))
        labels = cockpit_metrics.labels(self.env)
        bold = workbook.add_format({"bold": True})
        currency = payload["currency"]
        money = workbook.add_format(
            {"num_format": xlsx_currency_format(currency["symbol"], currency["position"], currency["digits"])}
        )
        percent = workbook.add_format({"num_format": "0.0%"})
        days = workbook.add_format({"num_format": "0.0"})
        formats = {"percent": percent, "money": money, "count": None, "days": days}
        right = workbook.add_format({"align": "right"})

        def write(sheet, row, col, value, kind, cell_format=None):
            if value is False:
                sheet.write(row, col, NO_VALUE, right)
            else:
                sheet.write(row, col, value, cell_format or formats[kind])

        sheet = workbook.add_worksheet(self.env._("Summary"))
        sheet.write(0, 0, payload["company"]["name"], bold)
        sheet.write(1, 0, self.env._("Period"))
        sheet.write(1, 1, " - ".join(payload["periods"]["current"]))
        sheet.write(2, 0, self.env._("Currency"))
        sheet.write(2, 1, payload["currency"]["name"])
        headers = [
            self.env._("Figure"),
            self.env._("Current"),
            self.env._("Previous Period"),
            self.env._("Same Period Last Year"),
            self.env._("Definition"),
        ]
        for col, title in enumerate(headers):
            sheet.write(4, col, title, bold)
        for row, (key, label, kind, definition) in enumerate(labels["kpis"], start=5):
            sheet.write(row, 0, label)
            for col, bucket in enumerate(("current", "previous", "last_year"), start=1):
                write(sheet, row, col, payload["kpis"][bucket][key], kind)
            sheet.write(row, 4, definition)
        row += 2
        sheet.write(row, 0, self.env._("Targets"), bold)
        sheet.write(row, 1, payload["targets"]["source_label"])
        target_headers = [
            self.env._("Metric"),
            self.env._("Target"),
            self.env._("Actual"),
            self.env._("Completion"),
            self.env._("Expected to Date"),
            self.env._("Forecast"),
        ]
        row += 1
        for col, title in enumerate(target_headers):
            sheet.write(row, col, title, bold)
        for key, label, kind in labels["target_metrics"]:
            figures = payload["targets"]["totals"][key]
            row += 1
            sheet.write(row, 0, label)
            write(sheet, row, 1, figures["target"], kind)
            write(sheet, row, 2, figures["actual"], kind)
            write(sheet, row, 3, figures["completion"], "percent")
            write(sheet, row, 4, figures["expected"], kind)
            write(sheet, row, 5, figures["forecast"], kind)
        row += 2
        sheet.write(row, 0, self.env._("Pipeline"), bold)
        for key, label, kind, definition in labels["pipeline"]:
            row += 1
            sheet.write(row, 0, label)
            write(sheet, row, 1, payload["pipeline"][key], kind)
            sheet.write(row, 4, definition)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 3, 18)
        sheet.set_column(4, 4, 80)

        columns = labels["breakdown_columns"]
        for key, title in labels["breakdowns"]:
            sheet = workbook.add_worksheet(title[:31])
            sheet.write(0, 0, title, bold)
            present = [c for c in columns if any(c[0] in r for r in payload[key])]
            for col, (__, col_title, __kind) in enumerate(present, start=1):
                sheet.write(0, col, col_title, bold)
            for row, record in enumerate(payload[key], start=1):
                sheet.write(row, 0, record["name"])
                for col, (field, __, kind) in enumerate(present, start=1):
                    write(sheet, row, col, record.get(field, False if kind == "percent" else 0), kind)
            if key in ("by_salesperson", "by_team") and payload[key]:
                # the rows add up to the total (customers: each counted once)
                row += 1
                sheet.write(row, 0, self.env._("Total"), bold)
                for col, (field, __, kind) in enumerate(present, start=1):
                    if field in payload["kpis"]["current"]:
                        write(sheet, row, col, payload["kpis"]["current"][field], kind)
            sheet.set_column(0, 0, 30)
            sheet.set_column(1, len(present), 16)

        sheet = workbook.add_worksheet(self.env._("Customer Pareto"))
        for col, title in enumerate(
            [
                self.env._("Customer"),
                self.env._("Revenue"),
                self.env._("Share"),
                self.env._("Cumulative Share"),
            ]
        ):
            sheet.write(0, col, title, bold)
        for row, record in enumerate(payload["pareto"]["rows"], start=1):
            sheet.write(row, 0, record["name"])
            sheet.write(row, 1, record["revenue"], money)
            write(sheet, row, 2, record["share"], "percent")
            write(sheet, row, 3, record["cumulative_share"], "percent")
        sheet.set_column(0, 0, 30)
