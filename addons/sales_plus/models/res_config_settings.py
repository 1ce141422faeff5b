from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_plus_fallback_user_id = fields.Many2one(
        related="company_id.sales_plus_fallback_user_id",
        readonly=False,
    )
    sales_plus_pacing_elapsed_pct = fields.Float(
        related="company_id.sales_plus_pacing_elapsed_pct",
        readonly=False,
    )
    sales_plus_pacing_completion_pct = fields.Float(
        related="company_id.sales_plus_pacing_completion_pct",
        readonly=False,
    )
