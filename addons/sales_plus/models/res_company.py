from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    sales_plus_fallback_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Plus Fallback Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Receives the Sales Plus activities and notices of customers and "
        "documents that have no salesperson or responsible.",
    )
    sales_plus_pacing_elapsed_pct = fields.Float(
        string="Pacing Alert after (% of period)",
        default=50.0,
        help="The pacing alert looks at a target once this share of its working days is gone.",
    )
    sales_plus_pacing_completion_pct = fields.Float(
        string="Pacing Alert below (% of target)",
        default=40.0,
        help="A target is behind pace when less than this share of it is done.",
    )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _sales_plus_responsible(self, user):
        """Return ``user`` when set and active, else the company's fallback."""
        self.ensure_one()
        if user and user.active:
            return user
        return self.sales_plus_fallback_user_id
