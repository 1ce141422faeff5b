# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # the cockpit's first order of each customer (new customers)
    _cockpit_customer_first_idx = models.Index(
        "(company_id, cockpit_customer_id, date_order) WHERE state = 'sale'"
    )

    # ---- Fields ----

    cockpit_customer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Commercial Entity",
        related="partner_id.commercial_partner_id",
        store=True,
        help="The company the customer belongs to: the Sales Cockpit counts customers by it.",
    )
    # ---- Install and upgrade ----

    def _auto_init(self):
        """Create and fill ``cockpit_customer_id`` in one UPDATE (the ORM would
        compute it order by order on a large database), then gather its
        statistics: the cockpit's plans need them at once."""
        if not column_exists(self.env.cr, "sale_order", "cockpit_customer_id"):
            create_column(self.env.cr, "sale_order", "cockpit_customer_id", "int4")
            self._cockpit_fill_customer()
        return super()._auto_init()

    def _cockpit_fill_customer(self):
        """Set ``cockpit_customer_id`` of every order in SQL where it differs."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order so
                   SET cockpit_customer_id = partner.commercial_partner_id
                  FROM res_partner partner
                 WHERE partner.id = so.partner_id
                   AND so.cockpit_customer_id IS DISTINCT FROM partner.commercial_partner_id
                """
            )
        )
        self.env.cr.execute(SQL("ANALYZE sale_order (cockpit_customer_id)"))
