# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..models.sales_plus_cockpit import TARGET_METRICS

# (figure, format) of the KPI lines and of the breakdown columns
KPI_COLUMNS = (
    ("revenue", "money"),
    ("orders", "count"),
    ("aov", "money"),
    ("margin", "money"),
    ("margin_pct", "percent"),
    ("invoiced", "money"),
    ("collected", "money"),
    ("collection_rate", "percent"),
    ("overdue", "money"),
    ("customers", "count"),
    ("new_customers", "count"),
    ("returning_customers", "count"),
    ("repurchase_rate", "percent"),
)
BREAKDOWNS = (
    "by_salesperson",
    "by_team",
    "by_region",
    "by_category",
    "by_product",
    "top_products_margin",
    "by_segment",
    "by_abc",
)
BREAKDOWN_COLUMNS = (
    ("revenue", "money"),
    ("orders", "count"),
    ("margin", "money"),
    ("margin_pct", "percent"),
    ("invoiced", "money"),
    ("collected", "money"),
    ("collection_rate", "percent"),
    ("overdue", "money"),
    ("new_customers", "count"),
    ("quantity", "count"),
    ("customers", "count"),
    ("revenue_last_year", "money"),
    ("revenue_target", "money"),
    ("revenue_member_target", "money"),
    ("revenue_completion", "percent"),
)


class SalesPlusCockpitPdf(models.AbstractModel):
    """The printable summary of the cockpit (QWeb PDF), from the same payload."""

    _name = "report.sales_plus.report_cockpit_summary"
    _description = "Sales Cockpit PDF Summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        payload = self.env["sales_plus.cockpit"].get_cockpit_data((data or {}).get("filters"))
        company = self.env["res.company"].browse(payload["company"]["id"])
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": company,
            "company": company,
            "payload": payload,
            "labels": self._labels(),
        }

    @api.model
    def _labels(self):
        """Translated labels of the figures, shared by the PDF and the XLSX."""
        kpi_labels = [
            self.env._("Revenue"),
            self.env._("Orders"),
            self.env._("Average Order Value"),
            self.env._("Gross Margin"),
            self.env._("Margin %"),
            self.env._("Invoiced"),
            self.env._("Collected"),
            self.env._("Collection Rate"),
            self.env._("Overdue Receivables"),
            self.env._("Customers"),
            self.env._("New Customers"),
            self.env._("Returning Customers"),
            self.env._("Repurchase Rate"),
        ]
        metric_labels = [
            self.env._("Revenue"),
            self.env._("Invoiced"),
            self.env._("Gross Margin"),
            self.env._("Collected"),
            self.env._("New Customers"),
        ]
        breakdown_labels = [
            self.env._("By Salesperson"),
            self.env._("By Sales Team"),
            self.env._("By Region"),
            self.env._("By Product Category"),
            self.env._("Top Products"),
            self.env._("Top Products by Margin"),
            self.env._("By Customer Segment"),
            self.env._("By ABC Class"),
        ]
        column_labels = [
            self.env._("Revenue"),
            self.env._("Orders"),
            self.env._("Gross Margin"),
            self.env._("Margin %"),
            self.env._("Invoiced"),
            self.env._("Collected"),
            self.env._("Collection Rate"),
            self.env._("Overdue Receivables"),
            self.env._("New Customers"),
            self.env._("Quantity"),
            self.env._("Customers"),
            self.env._("Revenue, Same Period Last Year"),
            self.env._("Revenue Target"),
            self.env._("Sum of Member Targets"),
            self.env._("Target Completion"),
        ]
        return {
            "kpis": [(key, label, kind) for (key, kind), label in zip(KPI_COLUMNS, kpi_labels, strict=True)],
            "metrics": list(zip(TARGET_METRICS, metric_labels, strict=True)),
            "breakdowns": list(zip(BREAKDOWNS, breakdown_labels, strict=True)),
            "breakdown_columns": [
                (key, label, kind)
                for (key, kind), label in zip(BREAKDOWN_COLUMNS, column_labels, strict=True)
            ],
        }
