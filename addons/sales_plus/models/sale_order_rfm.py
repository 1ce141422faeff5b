# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ---- Fields ----

    rfm_segment_id = fields.Many2one(
        comodel_name="sales_plus.rfm.segment",
        string="Customer Segment",
        compute="_compute_rfm_grade",
    )
    rfm_segment_color = fields.Integer(string="Segment Colour", compute="_compute_rfm_grade")
    rfm_abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="Customer ABC",
        compute="_compute_rfm_grade",
    )

    # ---- Compute methods ----

    @api.depends("partner_id", "company_id")
    @api.depends_context("uid")
    def _compute_rfm_grade(self):
        """The customer's grade in the order's company, as the user may see it."""
        for company, orders in self.grouped("company_id").items():
            for order in orders:
                partner = order.partner_id.with_company(company or self.env.company)
                order.rfm_segment_id = partner.rfm_segment_id
                order.rfm_segment_color = partner.rfm_segment_id.color
                order.rfm_abc_class = partner.rfm_abc_class
