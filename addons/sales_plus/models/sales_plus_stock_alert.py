import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

ALERT_TYPES = [
    ("shortage", "Shortage on Confirmation"),
    ("late_shipment", "Promised Date Passed, Not Shipped"),
    ("safety_stock", "Below Safety Stock"),
    ("reservation_expiring", "Quotation Expiring, Stock Not Held"),
]

# values compared between a stored open alert and the condition found by a scan;
# the keys of a condition dict besides them identify or route the alert
ALERT_TRACKED_FIELDS = [
    "severity",
    "quantity",
    "expected_date",
    "promised_date",
    "safety_qty",
    "forecast_qty",
    "suggested_qty",
]


class SalesPlusStockAlert(models.Model):
    _name = "sales_plus.stock.alert"
    _description = "Sales Plus Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, severity_sequence, id desc"
    _check_company_auto = True

    _open_subject_unique = models.UniqueIndex(
        "(alert_type, subject_key) WHERE state != 'resolved'",
        "There is already an open alert of this type for this subject.",
    )

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(compute="_compute_name")
    alert_type = fields.Selection(selection=ALERT_TYPES, string="Type", required=True, readonly=True)
    subject_key = fields.Char(
        required=True,
        readonly=True,
        help="What the alert is about (order line, transfer, product in a warehouse, "
        "order): at most one unresolved alert per type and subject.",
    )
    severity = fields.Selection(
        selection=[("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
        readonly=True,
    )
    severity_sequence = fields.Integer(compute="_compute_severity_sequence", store=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")],
        required=True,
        default="open",
        readonly=True,
        tracking=True,
        index=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, readonly=True, index=True)
    product_id = fields.Many2one(comodel_name="product.product", readonly=True, index="btree_not_null")
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", readonly=True)
    order_id = fields.Many2one(comodel_name="sale.order", readonly=True, index="btree_not_null")
    order_line_id = fields.Many2one(comodel_name="sale.order.line", readonly=True)
    picking_id = fields.Many2one(comodel_name="stock.picking", readonly=True, index="btree_not_null")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    quantity = fields.Float(digits="Product Unit", readonly=True, help="Quantity short or to replenish.")
    uom_id = fields.Many2one(comodel_name="uom.uom", string="Unit", readonly=True)
    expected_date = fields.Datetime(readonly=True, help="When the missing stock is expected.")
    promised_date = fields.Datetime(readonly=True, help="Date promised to the customer.")
    safety_qty = fields.Float(string="Safety Stock", digits="Product Unit", readonly=True)
    forecast_qty = fields.Float(string="Forecast", digits="Product Unit", readonly=True)
    suggested_qty = fields.Float(
        string="Suggested Replenishment",
        digits="Product Unit",
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        readonly=True,
        index="btree_not_null",
        help="Who is asked to act (one activity).",
    )
    salesperson_id = fields.Many2one(comodel_name="res.users", readonly=True, index="btree_not_null")
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Team", readonly=True)
    date_resolved = fields.Datetime(readonly=True)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("alert_type", "product_id", "order_id", "picking_id", "warehouse_id")
    def _compute_name(self):
        labels = dict(self._fields["alert_type"]._description_selection(self.env))
        for alert in self:
            subject = alert.picking_id or alert.order_id or alert.product_id
            parts = [labels.get(alert.alert_type, ""), subject.display_name or ""]
            with_product = alert.alert_type in ("shortage", "safety_stock") and alert.product_id
            if with_product and subject != alert.product_id:
                parts.append(alert.product_id.display_name)
            if alert.alert_type == "safety_stock" and alert.warehouse_id:
                parts.append(alert.warehouse_id.name)
            alert.name = " - ".join(p for p in parts if p)

    @api.depends("severity")
    def _compute_severity_sequence(self):
        order = {"high": 1, "medium": 2, "low": 3}
        for alert in self:
            alert.severity_sequence = order.get(alert.severity, 9)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"open": 1, "acknowledged": 2, "resolved": 3}
        for alert in self:
            alert.state_sequence = order.get(alert.state, 9)

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_acknowledge(self):
        """Seen and being handled: closes the responsible's activity; the alert
        resolves itself when its cause clears."""
        alerts = self.filtered(lambda a: a.state == "open")
        alerts.write({"state": "acknowledged"})
        alerts._stock_alert_close_activities(self.env._("Acknowledged"))
        return True

    def action_reopen(self):
        self.filtered(lambda a: a.state == "acknowledged").write({"state": "open"})
        return True

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _cron_stock_alert_scan(self):
        self._stock_alert_scan()

    @api.model
    def _stock_alert_scan(self, orders=None):
        """Evaluate every alert condition in batched SQL and bring the unresolved
        alerts in line with them: create the missing ones (with an activity for
        their responsible), update changed figures, resolve those whose cause
        cleared (closing their activity). Idempotent: a second run with nothing
        changed writes nothing.

        With ``orders``, only the lines, transfers and alerts of these orders are
        considered (used on confirmation and cancellation); without, everything.
        Runs as superuser: alerts are system records, routed by their own rules.
        """
        alerts = self.sudo()
        if orders is None:
            alerts.env["sale.order.line"]._stock_alert_refresh(all_lines=True)
            order_ids = None
        else:
            order_ids = orders.ids
            orders.sudo().order_line._stock_alert_refresh()
        now = fields.Datetime.now()
        conditions = alerts._stock_alert_conditions(now, order_ids)
        existing = alerts._stock_alert_existing(order_ids)
        to_create, to_update, to_resolve = [], {}, []
        for key, alert_row in existing.items():
            condition = conditions.pop(key, None)
            if condition is None:
                to_resolve.append(alert_row["id"])
                continue
            changes = {
                name: condition[name]
                for name in ALERT_TRACKED_FIELDS
                if not alerts._stock_alert_same(alert_row[name], condition[name])
            }
            if changes:
                to_update[alert_row["id"]] = changes
        to_create = list(conditions.values())
        if to_resolve:
            alerts.browse(to_resolve)._stock_alert_resolve(now)
        for alert_id, changes in to_update.items():
            alerts.browse(alert_id).write(changes)
        if to_create:
            alerts._stock_alert_create(to_create)
        if to_create or to_update or to_resolve:
            _logger.info(
                "Stock alert scan: %s created, %s updated, %s resolved",
                len(to_create),
                len(to_update),
                len(to_resolve),
            )
        return {"created": len(to_create), "updated": len(to_update), "resolved": len(to_resolve)}

    @api.model
    def _stock_alert_same(self, old, new):
        if isinstance(old, float) or isinstance(new, float):
            return round(old or 0.0, 6) == round(new or 0.0, 6)
        return (old or False) == (new or False)

    @api.model
    def _stock_alert_existing(self, order_ids):
        """Unresolved alerts, by (type, subject key), in one query."""
        where = SQL("a.state != 'resolved'")
        if order_ids is not None:
            where = SQL("%s AND a.order_id = ANY(%s)", where, order_ids)
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT a.id, a.alert_type, a.subject_key, %s FROM sales_plus_stock_alert a WHERE %s",
                SQL(", ").join(SQL.identifier("a", name) for name in ALERT_TRACKED_FIELDS),
                where,
            )
        )
        for row in rows:
            for name in ("quantity", "safety_qty", "forecast_qty", "suggested_qty"):
                row[name] = float(row[name] or 0.0)
        return {(row["alert_type"], row["subject_key"]): row for row in rows}

    @api.model
    def _stock_alert_conditions(self, now, order_ids=None):
        """Every alert condition that holds now, by (type, subject key): one SQL
        query per type, none per record."""
        self.env.flush_all()
        rows = []
        rows += self._stock_alert_shortage_rows(order_ids)
        rows += self._stock_alert_late_rows(now, order_ids)
        if order_ids is None:
            rows += self._stock_alert_safety_rows(now)
        rows += self._stock_alert_expiring_rows(now, order_ids)
        for row in rows:
            for name in ("quantity", "safety_qty", "forecast_qty", "suggested_qty"):
                row[name] = float(row[name] or 0.0)
        return {(row["alert_type"], row["subject_key"]): row for row in rows}

    @api.model
    def _stock_alert_order_filter(self, column, order_ids):
        if order_ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", column, order_ids)

    @api.model
    def _stock_alert_shortage_rows(self, order_ids):
        """Confirmed lines that their reservation, the free stock and the stock
        incoming by the promised date do not cover (figures of the lines)."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT 'shortage' AS alert_type, 'line:' || sol.id AS subject_key,
                       sol.company_id, sol.product_id,
                       COALESCE(sol.warehouse_id, so.warehouse_id) AS warehouse_id,
                       so.id AS order_id, sol.id AS order_line_id, NULL::int AS picking_id,
                       sol.stock_alert_shortage_qty::float AS quantity, sol.product_uom_id AS uom_id,
                       sol.stock_alert_incoming_date AS expected_date,
                       sol.stock_alert_promised_date AS promised_date,
                       CASE WHEN COALESCE(sol.stock_alert_line_reserved_qty, 0) = 0
                            THEN 'high' ELSE 'medium' END AS severity,
                       0.0 AS safety_qty, 0.0 AS forecast_qty, 0.0 AS suggested_qty,
                       so.user_id AS salesperson_id, so.team_id,
                       ARRAY[so.user_id] AS responsible_ids
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE sol.stock_alert_shortage AND so.state = 'sale' AND %s
                """,
                self._stock_alert_order_filter(SQL("so.id"), order_ids),
            )
        )

    @api.model
    def _stock_alert_late_rows(self, now, order_ids):
        """Deliveries of confirmed sales not shipped (the delivery order, or the
        pick / pack step that leads to it): late when the promised
        day (commitment date, else the deadline of the transfer, else its
        scheduled date) is over; about to be late when the transfer is scheduled
        after its deadline."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT 'late_shipment' AS alert_type, 'picking:' || p.id AS subject_key,
                       p.company_id, NULL::int AS product_id, pt.warehouse_id,
                       so.id AS order_id, NULL::int AS order_line_id, p.id AS picking_id,
                       0.0 AS quantity, NULL::int AS uom_id,
                       p.scheduled_date AS expected_date,
                       COALESCE(so.commitment_date, p.date_deadline, p.scheduled_date) AS promised_date,
                       CASE WHEN COALESCE(so.commitment_date, p.date_deadline, p.scheduled_date)::date
                                 < %(today)s THEN 'high' ELSE 'medium' END AS severity,
                       0.0 AS safety_qty, 0.0 AS forecast_qty, 0.0 AS suggested_qty,
                       so.user_id AS salesperson_id, so.team_id,
                       ARRAY[wh.sales_plus_alert_user_id] AS responsible_ids
                  FROM stock_picking p
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                  JOIN sale_order so ON so.id = p.sale_id
             LEFT JOIN stock_warehouse wh ON wh.id = pt.warehouse_id
                 WHERE p.state NOT IN ('draft', 'done', 'cancel')
                   -- a delivery, or a step of one (pick, pack: moves bound for the customer)
                   AND EXISTS (SELECT 1
                                 FROM stock_move m
                                 JOIN stock_location fl
                                   ON fl.id = COALESCE(m.location_final_id, m.location_dest_id)
                                WHERE m.picking_id = p.id AND fl.usage = 'customer')
                   AND so.state = 'sale' AND %(orders)s
                   AND (COALESCE(so.commitment_date, p.date_deadline, p.scheduled_date)::date < %(today)s
                        OR p.has_deadline_issue)
                """,
                today=now.date(),
                orders=self._stock_alert_order_filter(SQL("so.id"), order_ids),
            )
        )

    @api.model
    def _stock_alert_safety_rows(self, now):
        """Products of each warehouse whose forecast (on hand + incoming - outgoing,
        each move counted once as it enters or leaves the warehouse) is under
        their safety stock: the reordering rule minimum when there is one, else
        average daily deliveries over the company's demand period x lead time
        (the shortest vendor delay, else the company default) x the company
        factor. Suggested replenishment: up to the rule maximum, else the safety
        stock plus the demand over the lead time."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        if "buyer_id" in self.env["res.partner"]._fields:
            buyer = SQL(
                """(SELECT rp.buyer_id FROM product_supplierinfo si
                      JOIN res_partner rp ON rp.id = si.partner_id
                     WHERE si.product_tmpl_id = pp.product_tmpl_id
                       AND (si.company_id IS NULL OR si.company_id = c.company_id)
                  ORDER BY si.sequence, si.min_qty, si.id LIMIT 1)"""
            )
        else:
            buyer = SQL("NULL::int")
        return self.env.execute_query_dict(
            SQL(
                """
                WITH rule AS (
                    SELECT op.product_id, op.warehouse_id,
                           SUM(op.product_min_qty) AS min_qty, SUM(op.product_max_qty) AS max_qty
                      FROM stock_warehouse_orderpoint op
                     WHERE op.active
                  GROUP BY op.product_id, op.warehouse_id
                ),
                demand AS (
                    SELECT m.product_id, sl.warehouse_id,
                           SUM(m.product_qty) / MAX(rc.sales_plus_stock_alert_demand_days) AS per_day
                      FROM stock_move m
                      JOIN stock_location sl ON sl.id = m.location_id
                      JOIN stock_location dl ON dl.id = m.location_dest_id
                      JOIN res_company rc ON rc.id = m.company_id
                     WHERE m.state = 'done' AND dl.usage = 'customer' AND sl.warehouse_id IS NOT NULL
                       AND m.date >= %(now)s - rc.sales_plus_stock_alert_demand_days * INTERVAL '1 day'
                  GROUP BY m.product_id, sl.warehouse_id
                ),
                candidate AS (
                    SELECT COALESCE(r.product_id, d.product_id) AS product_id,
                           COALESCE(r.warehouse_id, d.warehouse_id) AS warehouse_id,
                           r.min_qty, r.max_qty, COALESCE(d.per_day, 0) AS per_day
                      FROM rule r
                 FULL JOIN demand d ON d.product_id = r.product_id AND d.warehouse_id = r.warehouse_id
                ),
                target AS (
                    SELECT c.*, wh.company_id, pp.product_tmpl_id, pt.uom_id,
                           COALESCE((SELECT MIN(si.delay) FROM product_supplierinfo si
                                      WHERE si.product_tmpl_id = pp.product_tmpl_id
                                        AND (si.company_id IS NULL OR si.company_id = wh.company_id)),
                                    rc.sales_plus_stock_alert_lead_days) AS lead_days,
                           rc.sales_plus_stock_alert_safety_factor AS factor,
                           (pt.responsible_id ->> wh.company_id::text)::int AS responsible_id
                      FROM candidate c
                      JOIN stock_warehouse wh ON wh.id = c.warehouse_id AND wh.active
                      JOIN res_company rc ON rc.id = wh.company_id
                      JOIN product_product pp ON pp.id = c.product_id AND pp.active
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.active AND pt.is_storable
                ),
                safety AS (
                    SELECT t.*, COALESCE(t.min_qty, t.per_day * t.lead_days * t.factor) AS safety_qty
                      FROM target t
                ),
                quant AS (
                    SELECT sq.product_id, loc.warehouse_id, SUM(sq.quantity) AS on_hand
                      FROM stock_quant sq
                      JOIN stock_location loc ON loc.id = sq.location_id
                     WHERE loc.usage = 'internal'
                       AND (sq.product_id, loc.warehouse_id) IN (SELECT product_id, warehouse_id FROM safety)
                  GROUP BY sq.product_id, loc.warehouse_id
                ),
                flow AS (
                    SELECT product_id, warehouse_id, SUM(qty) AS net
                      FROM (SELECT m.product_id, dl.warehouse_id, m.product_qty AS qty
                              FROM stock_move m
                              JOIN stock_location sl ON sl.id = m.location_id
                              JOIN stock_location dl ON dl.id = m.location_dest_id
                             WHERE m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
                               AND m.product_id IN (SELECT product_id FROM safety)
                               AND dl.usage = 'internal' AND dl.warehouse_id IS NOT NULL
                               AND (sl.usage != 'internal'
                                    OR sl.warehouse_id IS DISTINCT FROM dl.warehouse_id)
                             UNION ALL
                            SELECT m.product_id, sl.warehouse_id, -m.product_qty
                              FROM stock_move m
                              JOIN stock_location sl ON sl.id = m.location_id
                              JOIN stock_location dl ON dl.id = m.location_dest_id
                             WHERE m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
                               AND m.product_id IN (SELECT product_id FROM safety)
                               AND sl.usage = 'internal' AND sl.warehouse_id IS NOT NULL
                               AND (dl.usage != 'internal'
                                    OR dl.warehouse_id IS DISTINCT FROM sl.warehouse_id)
                           ) moves
                  GROUP BY product_id, warehouse_id
                ),
                result AS (
                    SELECT s.*, COALESCE(q.on_hand, 0) + COALESCE(f.net, 0) AS forecast
                      FROM safety s
                 LEFT JOIN quant q ON q.product_id = s.product_id AND q.warehouse_id = s.warehouse_id
                 LEFT JOIN flow f ON f.product_id = s.product_id AND f.warehouse_id = s.warehouse_id
                     WHERE s.safety_qty > 0
                )
                SELECT 'safety_stock' AS alert_type,
                       'product:' || c.product_id || ':' || c.warehouse_id AS subject_key,
                       c.company_id, c.product_id, c.warehouse_id,
                       NULL::int AS order_id, NULL::int AS order_line_id, NULL::int AS picking_id,
                       ROUND(c.suggested::numeric, %(p)s)::float AS quantity,
                       c.uom_id, NULL::timestamp AS expected_date, NULL::timestamp AS promised_date,
                       CASE WHEN c.forecast <= 0 THEN 'high' ELSE 'medium' END AS severity,
                       ROUND(c.safety_qty::numeric, %(p)s)::float AS safety_qty,
                       ROUND(c.forecast::numeric, %(p)s)::float AS forecast_qty,
                       ROUND(c.suggested::numeric, %(p)s)::float AS suggested_qty,
                       NULL::int AS salesperson_id, NULL::int AS team_id,
                       ARRAY[%(buyer)s, c.responsible_id] AS responsible_ids
                  FROM (SELECT r.*, GREATEST(COALESCE(r.max_qty, r.safety_qty + r.per_day * r.lead_days),
                                             r.safety_qty) - r.forecast AS suggested
                          FROM result r) c
                 WHERE c.forecast < c.safety_qty
                """,
                now=now,
                p=precision,
                buyer=buyer,
            )
        )

    @api.model
    def _stock_alert_expiring_rows(self, now, order_ids):
        """Quotations expiring within the company's warning period whose stock is
        available now: stock is not held for quotations, so it may go to another
        order once the quotation lapses."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT 'reservation_expiring' AS alert_type, 'order:' || so.id AS subject_key,
                       so.company_id, NULL::int AS product_id, so.warehouse_id,
                       so.id AS order_id, NULL::int AS order_line_id, NULL::int AS picking_id,
                       0.0 AS quantity, NULL::int AS uom_id,
                       so.validity_date::timestamp AS expected_date,
                       MIN(sol.stock_alert_promised_date) AS promised_date,
                       CASE WHEN so.validity_date <= %(today)s THEN 'medium' ELSE 'low' END AS severity,
                       0.0 AS safety_qty, 0.0 AS forecast_qty, 0.0 AS suggested_qty,
                       so.user_id AS salesperson_id, so.team_id,
                       ARRAY[so.user_id] AS responsible_ids
                  FROM sale_order so
                  JOIN res_company rc ON rc.id = so.company_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                                          AND sol.stock_alert_promised_date IS NOT NULL
                 WHERE so.state IN ('draft', 'sent') AND NOT COALESCE(so.stock_alert_at_risk, FALSE)
                   AND so.validity_date >= %(today)s
                   AND so.validity_date <= %(today)s + rc.sales_plus_stock_alert_expiry_days
                   AND %(orders)s
              GROUP BY so.id
                """,
                today=now.date(),
                orders=self._stock_alert_order_filter(SQL("so.id"), order_ids),
            )
        )

    def _stock_alert_resolve(self, now):
        self.write({"state": "resolved", "date_resolved": now})
        self._stock_alert_close_activities(self.env._("Resolved: the cause cleared."))

    def _stock_alert_close_activities(self, feedback):
        activities = self.sudo().activity_ids
        if activities:
            activities.action_feedback(feedback=feedback)

    @api.model
    def _stock_alert_create(self, conditions):
        """Create the alerts of ``conditions`` in one batch, route each to its
        first active internal responsible (else the company's fallback user) and
        give it one activity."""
        candidate_ids = {uid for row in conditions for uid in row["responsible_ids"] if uid}
        candidate_ids |= {row["salesperson_id"] for row in conditions if row["salesperson_id"]}
        users = self.env["res.users"].browse(candidate_ids).exists()
        valid_ids = set(users.filtered(lambda u: u.active and not u.share).ids)
        companies = self.env["res.company"].browse({row["company_id"] for row in conditions})
        fallback = {company.id: company.sales_plus_fallback_user_id for company in companies}
        vals_list = []
        for row in conditions:
            user_id = next((uid for uid in row["responsible_ids"] if uid in valid_ids), False)
            if not user_id and row["alert_type"] == "late_shipment" and row["salesperson_id"] in valid_ids:
                user_id = row["salesperson_id"]
            vals_list.append(self._prepare_alert_vals(row, user_id or fallback[row["company_id"]].id))
        quiet = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        alerts = quiet.create(vals_list)
        alerts._stock_alert_schedule_activities()
        # late shipments are the warehouse's to act on; keep the salesperson informed
        to_follow = alerts.filtered(
            lambda a: a.alert_type == "late_shipment" and a.salesperson_id and a.salesperson_id != a.user_id
        )
        for salesperson, salesperson_alerts in to_follow.grouped("salesperson_id").items():
            salesperson_alerts.message_subscribe(partner_ids=salesperson.partner_id.ids)
        return alerts

    def _prepare_alert_vals(self, row, user_id):
        vals = {
            name: row[name]
            for name in (
                "alert_type",
                "subject_key",
                "company_id",
                "product_id",
                "warehouse_id",
                "order_id",
                "order_line_id",
                "picking_id",
                "uom_id",
                "salesperson_id",
                "team_id",
                *ALERT_TRACKED_FIELDS,
            )
        }
        vals["user_id"] = user_id
        return vals

    def _stock_alert_schedule_activities(self):
        activity_type = self.env.ref("sales_plus.mail_activity_type_stock_alert", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": alert.id,
                "activity_type_id": activity_type.id if activity_type else False,
                "user_id": alert.user_id.id,
                "summary": alert._stock_alert_summary(),
                "date_deadline": today,
            }
            for alert in self
            if alert.user_id
        ]
        if vals_list:
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)

    def _stock_alert_summary(self):
        self.ensure_one()
        if self.alert_type == "shortage":
            return self.env._(
                "%(order)s: %(qty)s %(uom)s of %(product)s not reserved",
                order=self.order_id.name,
                qty=self.quantity,
                uom=self.uom_id.name,
                product=self.product_id.display_name,
            )
        if self.alert_type == "late_shipment":
            return self.env._(
                "%(picking)s of %(order)s is not shipped",
                picking=self.picking_id.name,
                order=self.order_id.name,
            )
        if self.alert_type == "safety_stock":
            return self.env._(
                "Replenish %(qty)s %(uom)s of %(product)s in %(warehouse)s",
                qty=self.suggested_qty,
                uom=self.uom_id.name,
                product=self.product_id.display_name,
                warehouse=self.warehouse_id.name,
            )
        return self.env._("%(order)s expires: stock is not held", order=self.order_id.name)
