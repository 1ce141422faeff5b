from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_plus_fallback_user_id = fields.Many2one(
        related="company_id.sales_plus_fallback_user_id",
        readonly=False,
    )

    # ------------------------------------------------------------
    # ACTION METHODS: customer grading
    # ------------------------------------------------------------

    def action_sales_plus_rfm_open_config(self):
        self.ensure_one()
        return self.env["sales_plus.rfm.config"].with_company(self.company_id).action_open_company_config()

    def action_sales_plus_rfm_regrade_now(self):
        self.ensure_one()
        return self.env["sales_plus.rfm.config"]._get_for_company(self.company_id).action_regrade_now()
