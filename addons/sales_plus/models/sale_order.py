# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime
from odoo.tools.sql import column_exists, create_column


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # the cockpit's first order of each customer (new customers)
    _cockpit_customer_first_idx = models.Index(
        "(company_id, cockpit_customer_id, date_order) WHERE state = 'sale'"
    )

    # ---- Fields ----

    stock_alert_at_risk = fields.Boolean(
        string="Stock at Risk",
        readonly=True,
        copy=False,
        index=True,
        help="A line of this order is short of stock.",
    )
    stock_alert_ids = fields.One2many(
        comodel_name="sales_plus.stock.alert",
        inverse_name="order_id",
        string="Stock Alerts",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )
    stock_alert_count = fields.Integer(
        string="Open Stock Alerts",
        compute="_compute_stock_alert_count",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )
    cockpit_customer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Commercial Entity",
        related="partner_id.commercial_partner_id",
        store=True,
        help="The company the customer belongs to: the Sales Cockpit counts customers by it.",
    )
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

    @api.depends("stock_alert_ids.state")
    def _compute_stock_alert_count(self):
        counts = dict(
            self.env["sales_plus.stock.alert"]._read_group(
                [("order_id", "in", self.ids), ("state", "!=", "resolved")],
                ["order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.stock_alert_count = counts.get(order._origin, 0)

    # ---- CRUD methods ----

    def write(self, vals):
        res = super().write(vals)
        if {"commitment_date", "warehouse_id", "date_order"}.intersection(vals):
            self.order_line._stock_alert_refresh()
        return res

    # ---- Action methods ----

    def action_confirm(self):
        self._stock_alert_check_confirmation()
        res = super().action_confirm()
        self.env["sales_plus.stock.alert"]._stock_alert_scan(orders=self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sales_plus.stock.alert"]._stock_alert_scan(orders=self)
        return res

    def action_view_stock_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_plus.sales_plus_stock_alert_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_filter_not_resolved": 1}
        return action

    # ---- Business methods ----

    def _stock_alert_update_at_risk(self):
        """Set ``stock_alert_at_risk`` of ``self`` from the stored line shortages,
        in one statement, writing only the orders whose flag changes."""
        if not self.ids:
            return
        self.env.execute_query(
            SQL(
                """
                UPDATE sale_order so
                   SET stock_alert_at_risk = r.at_risk
                  FROM (SELECT o.id,
                               EXISTS (SELECT 1 FROM sale_order_line sol
                                        WHERE sol.order_id = o.id AND sol.stock_alert_shortage) AS at_risk
                          FROM sale_order o
                         WHERE o.id = ANY(%s)) r
                 WHERE so.id = r.id AND so.stock_alert_at_risk IS DISTINCT FROM r.at_risk
                """,
                self.ids,
            )
        )
        self.invalidate_model(["stock_alert_at_risk"])

    def _stock_alert_check_confirmation(self):
        """Refuse to confirm an order shipped all at once (``picking_policy`` "one":
        the customer takes no partial delivery) while a line is short, when the
        company asks for it."""
        to_check = self.filtered(
            lambda o: (
                o.company_id.sales_plus_stock_alert_block_confirm
                and o.picking_policy == "one"
                and o.state in ("draft", "sent")
            )
        )
        if not to_check:
            return
        to_check.order_line._stock_alert_refresh()
        short_lines = to_check.order_line.filtered("stock_alert_shortage")
        if not short_lines:
            return
        details = "\n".join(
            self.env._(
                "- %(order)s, %(product)s: %(qty)s %(uom)s short, next stock expected %(date)s",
                order=line.order_id.name,
                product=line.product_id.display_name,
                qty=line.stock_alert_shortage_qty,
                uom=line.product_uom_id.name,
                date=(
                    format_datetime(self.env, line.stock_alert_incoming_date)
                    if line.stock_alert_incoming_date
                    else self.env._("not planned")
                ),
            )
            for line in short_lines
        )
        raise UserError(
            self.env._(
                "These orders are to be delivered all at once but are short of stock:\n"
                "%(details)s\n"
                "Deliver as soon as possible (partial deliveries), reduce the quantities or "
                "wait for the stock.",
                details=details,
            )
        )
