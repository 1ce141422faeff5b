# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..tools import cockpit_metrics


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
            "labels": cockpit_metrics.labels(self.env),
        }
