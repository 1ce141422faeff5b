from odoo import api, models


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
        return {
            "kpis": [
                ("revenue", self.env._("Revenue"), "money"),
                ("orders", self.env._("Orders"), "count"),
                ("aov", self.env._("Average Order Value"), "money"),
                ("margin", self.env._("Gross Margin"), "money"),
                ("margin_pct", self.env._("Margin %"), "percent"),
                ("invoiced", self.env._("Invoiced"), "money"),
                ("collected", self.env._("Collected"), "money"),
                ("collection_rate", self.env._("Collection Rate"), "percent"),
                ("overdue", self.env._("Overdue Receivables"), "money"),
                ("customers", self.env._("Customers"), "count"),
                ("new_customers", self.env._("New Customers"), "count"),
                ("returning_customers", self.env._("Returning Customers"), "count"),
                ("repurchase_rate", self.env._("Repurchase Rate"), "percent"),
            ],
            "metrics": [
                ("revenue", self.env._("Revenue")),
                ("invoiced", self.env._("Invoiced")),
                ("margin", self.env._("Gross Margin")),
                ("collected", self.env._("Collected")),
                ("new_customers", self.env._("New Customers")),
            ],
            "breakdowns": [
                ("by_salesperson", self.env._("By Salesperson")),
                ("by_team", self.env._("By Sales Team")),
                ("by_region", self.env._("By Region")),
                ("by_category", self.env._("By Product Category")),
                ("by_product", self.env._("Top Products")),
                ("top_products_margin", self.env._("Top Products by Margin")),
            ],
            "breakdown_columns": [
                ("revenue", self.env._("Revenue"), "money"),
                ("orders", self.env._("Orders"), "count"),
                ("margin", self.env._("Gross Margin"), "money"),
                ("margin_pct", self.env._("Margin %"), "percent"),
                ("invoiced", self.env._("Invoiced"), "money"),
                ("collected", self.env._("Collected"), "money"),
                ("collection_rate", self.env._("Collection Rate"), "percent"),
                ("overdue", self.env._("Overdue Receivables"), "money"),
                ("new_customers", self.env._("New Customers"), "count"),
                ("quantity", self.env._("Quantity"), "count"),
                ("revenue_target", self.env._("Revenue Target"), "money"),
                ("revenue_member_target", self.env._("Sum of Member Targets"), "money"),
                ("revenue_completion", self.env._("Target Completion"), "percent"),
            ],
        }
