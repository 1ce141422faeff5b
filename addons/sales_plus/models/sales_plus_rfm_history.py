# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SalesPlusRfmHistory(models.Model):
    _name = "sales_plus.rfm.history"
    _description = "Customer Segment Change"
    _order = "date desc, id desc"
    _check_company_auto = True
    # written by the regrade only, in bulk; ``date`` says when. No create/write
    # uid/date: two foreign keys checked per row less on a full regrade
    _log_access = False

    # ---- Fields ----

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson", index=True)
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Team", index=True)
    date = fields.Datetime(required=True)
    old_segment_id = fields.Many2one(comodel_name="sales_plus.rfm.segment", string="From Segment")
    new_segment_id = fields.Many2one(comodel_name="sales_plus.rfm.segment", string="To Segment")
    r_score = fields.Integer(string="R")
    f_score = fields.Integer(string="F")
    m_score = fields.Integer(string="M")
    frequency = fields.Integer()
    monetary = fields.Monetary(currency_field="currency_id")
