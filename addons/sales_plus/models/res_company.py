from odoo import api, fields, models


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

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _sales_plus_responsible(self, user):
        """Return ``user`` when set and active, else the company's fallback."""
        self.ensure_one()
        if user and user.active:
            return user
        return self.sales_plus_fallback_user_id

    # ------------------------------------------------------------
    # BUSINESS METHODS: customer grading
    # ------------------------------------------------------------

    def _sales_plus_rfm_tz(self):
        """The company's timezone (its partner's), in which order dates are days."""
        self.ensure_one()
        return self.partner_id.tz or "UTC"

    def _sales_plus_rfm_today(self):
        self.ensure_one()
        return fields.Datetime.context_timestamp(
            self.with_context(tz=self._sales_plus_rfm_tz()), fields.Datetime.now()
        ).date()

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["sales_plus.rfm.config"].sudo().create([{"company_id": company.id} for company in companies])
        return companies
