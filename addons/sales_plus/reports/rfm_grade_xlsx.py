# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..services.money_format import xlsx_currency_format


class ReportRfmGradeXlsx(models.AbstractModel):
    """The graded customers, with the columns of the Customer Grading list."""

    _name = "report.sales_plus.rfm_grade_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Customer Grading XLSX Export"

    # the list view's columns, in its order
    COLUMNS = (
        "partner_id",
        "company_id",
        "user_id",
        "team_id",
        "last_order_date",
        "recency_days",
        "frequency",
        "monetary",
        "r_score",
        "f_score",
        "m_score",
        "segment_id",
        "abc_class",
        "is_dormant",
        "median_gap_days",
        "graded_on",
    )

    def _rfm_columns(self):
        """The list columns the user sees: multi-company column only with the group."""
        columns = list(self.COLUMNS)
        if not self.env.user.has_group("base.group_multi_company"):
            columns.remove("company_id")
        return columns

    def _report_xlsx_currency_format(self, currency):
        # the symbol quoted, no decimal point for a currency without decimals
        return xlsx_currency_format(currency.symbol, currency.position, currency.decimal_places)

    def generate_xlsx_report(self, workbook, data, objs):
        # the records are browsed as the user: record rules apply
        grades = objs.with_env(self.env)
        grades.check_access("read")
        Grade = self.env["sales_plus.rfm.grade"]
        columns = self._rfm_columns()
        fields_info = Grade.fields_get(columns, ["string", "type", "selection"])
        sheet = workbook.add_worksheet(self.env._("Customer Grading"))
        bold = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        money_formats = {}
        sheet.freeze_panes(1, 1)
        for col, fname in enumerate(columns):
            sheet.write(0, col, fields_info[fname]["string"], bold)
            sheet.set_column(col, col, 28 if fields_info[fname]["type"] == "many2one" else 14)
        for row, grade in enumerate(grades, start=1):
            for col, fname in enumerate(columns):
                ftype = fields_info[fname]["type"]
                value = grade[fname]
                if ftype == "many2one":
                    sheet.write(row, col, value.display_name or "")
                elif ftype == "selection":
                    sheet.write(row, col, dict(fields_info[fname]["selection"]).get(value, ""))
                elif ftype == "date":
                    if value:
                        sheet.write_datetime(row, col, value, date_format)
                elif ftype == "datetime":
                    if value:
                        sheet.write_datetime(row, col, value, datetime_format)
                elif ftype == "monetary":
                    currency = grade.currency_id
                    if currency not in money_formats:
                        money_formats[currency] = workbook.add_format(
                            {"num_format": self._report_xlsx_currency_format(currency)}
                        )
                    sheet.write_number(row, col, value, money_formats[currency])
                elif ftype == "boolean":
                    sheet.write(row, col, self.env._("Yes") if value else "")
                else:
                    sheet.write(row, col, value)
