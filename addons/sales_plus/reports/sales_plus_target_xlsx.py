# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..wizards.sales_plus_target_import_wizard import COLUMNS


class SalesPlusTargetXlsx(models.AbstractModel):
    """Targets as XLSX, in the layout the import wizard reads back."""

    _name = "report.sales_plus.target_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Sales Targets XLSX Export"

    def generate_xlsx_report(self, workbook, data, targets):
        sheet = workbook.add_worksheet(self.env._("Targets"))
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for col, title in enumerate(COLUMNS):
            sheet.write(0, col, title, bold)
        for row, target in enumerate(targets, start=1):
            sheet.write(row, 0, target.user_id.login or "")
            sheet.write(row, 1, target.team_id.name or "")
            sheet.write(row, 2, target.metric)
            sheet.write(row, 3, target.period_type)
            sheet.write_datetime(row, 4, target.date_from, date_format)
            sheet.write_datetime(row, 5, target.date_to, date_format)
            sheet.write_number(row, 6, target.amount)
        sheet.set_column(0, 1, 22)
        sheet.set_column(2, 6, 14)
