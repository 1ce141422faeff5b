# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

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

    # ---- Fields ----

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

    # ---- Compute methods ----

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

    # ---- Action methods ----

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

    # ---- Business methods ----

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

        The comparison and the three writes are one SQL statement; creating the
        activities and closing those of resolved alerts take a fixed number of
        statements more, whatever the number of alerts.

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
        self.env.flush_all()
        rows = alerts.env.execute_query(alerts._stock_alert_sync_sql(now, order_ids))
        self.env.invalidate_all()
        created = [row[1] for row in rows if row[0] == "created"]
        updated = [row[1] for row in rows if row[0] == "updated"]
        resolved = {row[1]: row[2] for row in rows if row[0] == "resolved"}
        if resolved:
            alerts.browse(list(resolved))._stock_alert_log_resolution(resolved)
        if created:
            alerts.browse(created)._stock_alert_after_create()
        if created or updated or resolved:
            _logger.info(
                "Stock alert scan: %s created, %s updated, %s resolved",
                len(created),
                len(updated),
                len(resolved),
            )
        return {"created": len(created), "updated": len(updated), "resolved": len(resolved)}

    @api.model
    def _stock_alert_conditions_sql(self, now, order_ids=None):
        """Every alert condition that holds now, one row per (type, subject key):
        one SQL query per type, none per record, joined in one."""
        parts = [
            self._stock_alert_shortage_sql(order_ids),
            self._stock_alert_late_sql(now, order_ids),
        ]
        if order_ids is None:
            parts.append(self._stock_alert_safety_sql(now))
        parts.append(self._stock_alert_expiring_sql(now, order_ids))
        return SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts)

    @api.model
    def _stock_alert_sync_sql(self, now, order_ids):
        """One statement comparing the conditions with the unresolved alerts (of
        ``order_ids`` when given): it resolves the alerts whose condition is
        gone, updates the figures that changed (rounded as the fields store
        them) and inserts the missing alerts, routed to the first active internal
        user among their responsibles (for a late shipment, else its
        salesperson), else to the company's fallback user. Returns rows
        (action, alert id, previous state)."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        write_date = self.env.cr.now()
        scope = SQL("TRUE") if order_ids is None else SQL("a.order_id = ANY(%s)", order_ids)
        rounded = ("quantity", "safety_qty", "forecast_qty", "suggested_qty")
        tracked_old = SQL(", ").join(
            SQL(
                "ROUND(COALESCE(%s, 0)::numeric, %s) AS %s",
                SQL.identifier("a", name),
                precision,
                SQL.identifier(name),
            )
            if name in rounded
            else SQL.identifier("a", name)
            for name in ALERT_TRACKED_FIELDS
        )
        tracked_cur = SQL(", ").join(SQL.identifier("cur", name) for name in ALERT_TRACKED_FIELDS)
        tracked_new = SQL(", ").join(SQL.identifier("c", name) for name in ALERT_TRACKED_FIELDS)
        tracked_set = SQL(", ").join(
            SQL("%s = c.%s", SQL.identifier(name), SQL.identifier(name)) for name in ALERT_TRACKED_FIELDS
        )
        tracked_cols = SQL(", ").join(SQL.identifier(name) for name in ALERT_TRACKED_FIELDS)
        keys = (
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
        )
        key_cols = SQL(", ").join(SQL.identifier(name) for name in keys)
        key_vals = SQL(", ").join(SQL.identifier("c", name) for name in keys)
        severity_sequence = SQL(
            "CASE c.severity WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 9 END"
        )
        return SQL(
            """
            WITH cond AS MATERIALIZED (
                SELECT c.alert_type, c.subject_key, c.company_id, c.product_id, c.warehouse_id,
                       c.order_id, c.order_line_id, c.picking_id, c.uom_id, c.salesperson_id,
                       c.team_id, c.responsible_ids, c.severity,
                       ROUND(COALESCE(c.quantity, 0)::numeric, %(p)s) AS quantity,
                       c.expected_date, c.promised_date,
                       ROUND(COALESCE(c.safety_qty, 0)::numeric, %(p)s) AS safety_qty,
                       ROUND(COALESCE(c.forecast_qty, 0)::numeric, %(p)s) AS forecast_qty,
                       ROUND(COALESCE(c.suggested_qty, 0)::numeric, %(p)s) AS suggested_qty
                  FROM (%(conditions)s) c
            ),
            cur AS (
                SELECT a.id, a.state, a.alert_type, a.subject_key, %(tracked_old)s
                  FROM sales_plus_stock_alert a
                 WHERE a.state != 'resolved' AND %(scope)s
            ),
            resolved AS (
                UPDATE sales_plus_stock_alert a
                   SET state = 'resolved', state_sequence = 3, date_resolved = %(now)s,
                       write_uid = %(uid)s, write_date = %(write_date)s
                  FROM cur
                 WHERE a.id = cur.id
                   AND NOT EXISTS (SELECT 1 FROM cond c
                                    WHERE c.alert_type = cur.alert_type AND c.subject_key = cur.subject_key)
             RETURNING a.id, cur.state
            ),
            updated AS (
                UPDATE sales_plus_stock_alert a
                   SET %(tracked_set)s, severity_sequence = %(severity_sequence)s,
                       write_uid = %(uid)s, write_date = %(write_date)s
                  FROM cur, cond c
                 WHERE a.id = cur.id AND c.alert_type = cur.alert_type AND c.subject_key = cur.subject_key
                   AND (%(tracked_cur)s) IS DISTINCT FROM (%(tracked_new)s)
             RETURNING a.id
            ),
            created AS (
                INSERT INTO sales_plus_stock_alert
                       (%(key_cols)s, %(tracked_cols)s, user_id, state, state_sequence, severity_sequence,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(key_vals)s, %(tracked_new)s,
                       COALESCE(
                           (SELECT r.uid
                              FROM unnest(c.responsible_ids) WITH ORDINALITY r(uid, n)
                              JOIN res_users u ON u.id = r.uid AND u.active AND NOT u.share
                          ORDER BY r.n LIMIT 1),
                           (SELECT u.id FROM res_users u
                             WHERE c.alert_type = 'late_shipment' AND u.id = c.salesperson_id
                               AND u.active AND NOT u.share),
                           rc.sales_plus_fallback_user_id),
                       'open', 1, %(severity_sequence)s,
                       %(uid)s, %(write_date)s, %(uid)s, %(write_date)s
                  FROM cond c
                  JOIN res_company rc ON rc.id = c.company_id
                 WHERE NOT EXISTS (SELECT 1 FROM sales_plus_stock_alert a
                                    WHERE a.state != 'resolved'
                                      AND a.alert_type = c.alert_type AND a.subject_key = c.subject_key)
              ORDER BY c.alert_type, c.subject_key
             RETURNING id
            )
            SELECT 'resolved', id, state FROM resolved
             UNION ALL
            SELECT 'updated', id, NULL FROM updated
             UNION ALL
            SELECT 'created', id, NULL FROM created
            """,
            p=precision,
            conditions=self._stock_alert_conditions_sql(now, order_ids),
            tracked_old=tracked_old,
            scope=scope,
            now=now,
            uid=self.env.uid,
            write_date=write_date,
            tracked_set=tracked_set,
            tracked_cur=tracked_cur,
            tracked_new=tracked_new,
            severity_sequence=severity_sequence,
            key_cols=key_cols,
            key_vals=key_vals,
            tracked_cols=tracked_cols,
        )

    @api.model
    def _stock_alert_order_filter(self, column, order_ids):
        if order_ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", column, order_ids)

    @api.model
    def _stock_alert_shortage_sql(self, order_ids):
        """Confirmed lines that their reservation, the free stock and the stock
        incoming by the promised date do not cover (figures of the lines)."""
        return SQL(
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

    @api.model
    def _stock_alert_late_sql(self, now, order_ids):
        """Deliveries of confirmed sales not shipped (the delivery order, or the
        pick / pack step that leads to it): late when the promised
        day (commitment date, else the deadline of the transfer, else its
        scheduled date) is over; about to be late when the transfer is scheduled
        after its deadline."""
        return SQL(
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

    @api.model
    def _stock_alert_safety_sql(self, now):
        """Products of each warehouse whose forecast (on hand + incoming - outgoing,
        each move counted once as it enters or leaves the warehouse) is under
        their safety stock: the reordering rule minimum when there is one, else
        average daily deliveries over the company's demand period x lead time
        (the shortest vendor delay, else the company default) x the company
        factor. Suggested replenishment: up to the rule maximum, else the safety
        stock plus the demand over the lead time. Routed to the purchase
        representative (with ``purchase``), else the product's responsible, else
        the company's replenishment alert group, else its fallback user. Kits
        (with ``mrp``) have no safety stock of their own."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        return SQL(
            """
            WITH RECURSIVE rule AS (
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
                 WHERE %(not_kit)s
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
                   ARRAY[%(buyer)s, c.responsible_id] || COALESCE(gu.user_ids, '{}'::int[])
                       AS responsible_ids
              FROM (SELECT r.*, GREATEST(COALESCE(r.max_qty, r.safety_qty + r.per_day * r.lead_days),
                                         r.safety_qty) - r.forecast AS suggested
                      FROM result r) c
         LEFT JOIN (%(group_users)s) gu ON gu.company_id = c.company_id
             WHERE c.forecast < c.safety_qty
            """,
            now=now,
            p=precision,
            buyer=self._stock_alert_buyer_sql(SQL("c.product_id"), SQL("c.company_id")),
            not_kit=self._stock_alert_not_kit_sql(SQL("pp"), SQL("wh.company_id")),
            group_users=self._stock_alert_group_users_sql(),
        )

    @api.model
    def _stock_alert_not_kit_sql(self, product, company):
        """``product`` (a ``product_product`` alias) is not a kit in ``company``:
        with ``mrp``, it has no active phantom bill of materials there. A kit has
        no stock of its own, so no safety stock: its components have theirs."""
        if "mrp.bom" not in self.env:
            return SQL("TRUE")
        return SQL(
            """NOT EXISTS (
                SELECT 1 FROM mrp_bom bom
                 WHERE bom.type = 'phantom' AND bom.active
                   AND (bom.company_id IS NULL OR bom.company_id = %(company)s)
                   AND (bom.product_id = %(product)s.id
                        OR (bom.product_id IS NULL
                            AND bom.product_tmpl_id = %(product)s.product_tmpl_id)))""",
            product=product,
            company=company,
        )

    @api.model
    def _stock_alert_buyer_sql(self, product, company):
        """The purchase representative of ``product`` in ``company`` (SQL
        expressions): the buyer of its main vendor, the first vendor line of the
        product or its template valid in the company, in the order of
        ``product.supplierinfo``. NULL without the ``purchase`` module, which
        sales_plus does not depend on (it adds the vendor's buyer)."""
        if "buyer_id" not in self.env["res.partner"]._fields:
            return SQL("NULL::int")
        return SQL(
            """(SELECT rp.buyer_id
                  FROM product_supplierinfo si
                  JOIN product_product spp ON spp.id = %(product)s
                  JOIN res_partner rp ON rp.id = si.partner_id
                 WHERE si.product_tmpl_id = spp.product_tmpl_id
                   AND (si.product_id IS NULL OR si.product_id = spp.id)
                   AND (si.company_id IS NULL OR si.company_id = %(company)s)
              ORDER BY si.sequence, si.min_qty DESC, si.price, si.id
                 LIMIT 1)""",
            product=product,
            company=company,
        )

    @api.model
    def _stock_alert_group_users_sql(self):
        """(company_id, user_ids): the active internal users of each company's
        replenishment alert group, directly or through a group implying it, who
        may work in that company, by id."""
        return SQL(
            """
            WITH RECURSIVE grp(company_id, gid) AS (
                SELECT rc.id, rc.sales_plus_stock_alert_group_id
                  FROM res_company rc
                 WHERE rc.sales_plus_stock_alert_group_id IS NOT NULL
                 UNION
                SELECT grp.company_id, rel.gid
                  FROM grp
                  JOIN res_groups_implied_rel rel ON rel.hid = grp.gid
            )
            SELECT grp.company_id, ARRAY_AGG(DISTINCT u.id ORDER BY u.id) AS user_ids
              FROM grp
              JOIN res_groups_users_rel gu ON gu.gid = grp.gid
              JOIN res_users u ON u.id = gu.uid AND u.active AND NOT u.share
              JOIN res_company_users_rel cu ON cu.user_id = u.id AND cu.cid = grp.company_id
          GROUP BY grp.company_id
            """
        )

    @api.model
    def _stock_alert_expiring_sql(self, now, order_ids):
        """Quotations expiring within the company's warning period whose stock is
        available now: stock is not held for quotations, so it may go to another
        order once the quotation lapses."""
        return SQL(
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

    def _stock_alert_close_activities(self, feedback):
        activities = self.sudo().activity_ids
        if activities:
            activities.action_feedback(feedback=feedback)

    def _stock_alert_prefetch(self):
        """Load what the names and summaries of ``self`` read, in a fixed number
        of queries whatever the number of alerts (the ORM would fetch them by
        batches of a thousand records)."""
        self.fetch(
            [
                "alert_type",
                "product_id",
                "order_id",
                "picking_id",
                "warehouse_id",
                "uom_id",
                "user_id",
                "quantity",
                "suggested_qty",
            ]
        )
        self.order_id.fetch(["name"])
        self.picking_id.fetch(["name"])
        self.warehouse_id.fetch(["name"])
        self.uom_id.fetch(["name"])
        products = self.product_id
        products.fetch(["default_code", "product_tmpl_id", "product_template_attribute_value_ids"])
        products.product_tmpl_id.fetch(["name"])
        self.user_id.fetch(["partner_id"])
        self.user_id.partner_id.fetch(["name", "tz"])

    def _stock_alert_after_create(self):
        """Give each alert of ``self``, just inserted by the scan, one activity
        for its responsible and the followers that ``mail.activity.create`` and
        ``message_subscribe`` would add (the responsible; the salesperson of a
        late shipment routed to the warehouse), in a fixed number of
        statements. Like the scan's former ``create`` with
        ``mail_activity_quick_update``, the responsible gets no email, only the
        activity counter update."""
        self._stock_alert_prefetch()
        with_user = self.filtered("user_id")
        activity_type = self.env.ref("sales_plus.mail_activity_type_stock_alert", raise_if_not_found=False)
        now = self.env.cr.now()
        today = fields.Date.context_today(self)
        if with_user:
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO mail_activity
                           (res_model_id, res_model, res_id, res_name, summary, activity_type_id, user_id,
                            user_tz, date_deadline, active, create_uid, create_date, write_uid, write_date)
                    SELECT %(model_id)s, %(model)s, v.res_id, v.res_name, v.summary, %(type_id)s, a.user_id,
                           rp.tz, %(today)s, TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(ids)s::int[], %(names)s::varchar[], %(summaries)s::varchar[])
                           AS v(res_id, res_name, summary)
                      JOIN sales_plus_stock_alert a ON a.id = v.res_id
                      JOIN res_users u ON u.id = a.user_id
                      JOIN res_partner rp ON rp.id = u.partner_id
                    """,
                    model_id=self.env["ir.model"]._get_id(self._name),
                    model=self._name,
                    type_id=activity_type.id if activity_type else None,
                    today=today,
                    uid=self.env.uid,
                    now=now,
                    ids=with_user.ids,
                    names=[alert.display_name for alert in with_user],
                    summaries=[alert._stock_alert_summary() for alert in with_user],
                )
            )
        # late shipments are the warehouse's to act on: keep the salesperson informed;
        # a safety stock alert routed to the replenishment group: its other members follow
        subtype_ids = self.env["mail.message.subtype"]._default_subtypes(self._name)[0]
        self.env.execute_query(
            SQL(
                """
                WITH follower AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT DISTINCT %(model)s, f.res_id, u.partner_id
                      FROM (SELECT a.id AS res_id, a.user_id FROM sales_plus_stock_alert a
                             WHERE a.id = ANY(%(ids)s) AND a.user_id IS NOT NULL
                             UNION
                            SELECT a.id, a.salesperson_id FROM sales_plus_stock_alert a
                             WHERE a.id = ANY(%(ids)s) AND a.alert_type = 'late_shipment'
                               AND a.salesperson_id IS NOT NULL
                             UNION
                            SELECT a.id, member.uid
                              FROM sales_plus_stock_alert a
                              JOIN (%(group_users)s) gu ON gu.company_id = a.company_id
                                                      AND a.user_id = ANY(gu.user_ids)
                             CROSS JOIN unnest(gu.user_ids) AS member(uid)
                             WHERE a.id = ANY(%(ids)s) AND a.alert_type = 'safety_stock') f
                      JOIN res_users u ON u.id = f.user_id
                ON CONFLICT DO NOTHING
                 RETURNING id
                )
                INSERT INTO mail_followers_mail_message_subtype_rel
                       (mail_followers_id, mail_message_subtype_id)
                SELECT follower.id, s.id FROM follower, unnest(%(subtypes)s::int[]) AS s(id)
                """,
                model=self._name,
                ids=self.ids,
                subtypes=subtype_ids,
                group_users=self._stock_alert_group_users_sql(),
            )
        )
        for user, alerts in with_user.grouped("user_id").items():
            user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": len(alerts)})
        self.env.invalidate_all()

    def _stock_alert_log_resolution(self, previous_states):
        """Chatter of alerts the scan just resolved in SQL (``previous_states``:
        {alert id: state before}): the state change is tracked and the open
        activity marked done with its feedback, as ``write`` and
        ``mail.activity.action_feedback`` would do, in a fixed number of
        statements whatever the number of alerts."""
        author_id, email_from = self.env["mail.thread"]._message_compute_author()
        Thread = self.env["mail.thread"]
        reply_to = Thread._notify_get_reply_to(default=email_from, author_id=author_id)[False]
        now = self.env.cr.now()
        date = fields.Datetime.now()
        labels = dict(self._fields["state"]._description_selection(self.env))
        common = {
            "author": author_id,
            "email_from": email_from,
            "reply_to": reply_to,
            "model": self._name,
            "uid": self.env.uid,
            "now": now,
            "date": date,
        }
        # the open activities: done, with a message, then archived
        activities = self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        if activities:
            self._stock_alert_done_activities(activities, common)
        # state tracking, as write() logs it
        self.env.execute_query(
            SQL(
                """
                WITH v AS (
                    SELECT * FROM unnest(%(ids)s::int[], %(message_ids)s::varchar[], %(old)s::varchar[])
                               AS v(res_id, message_id, old_label)
                ),
                message AS (
                    INSERT INTO mail_message
                           (res_id, model, subtype_id, author_id, message_type, email_from, message_id,
                            reply_to, body, is_internal, email_add_signature, date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT v.res_id, %(model)s, %(subtype)s, %(author)s, 'notification', %(email_from)s,
                           v.message_id, %(reply_to)s, '', TRUE, FALSE, %(date)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM v
                 RETURNING id, res_id
                )
                INSERT INTO mail_tracking_value
                       (field_id, old_value_char, new_value_char, mail_message_id,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(field)s, v.old_label, %(new)s, message.id, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM message JOIN v ON v.res_id = message.res_id
                """,
                ids=self.ids,
                message_ids=[generate_tracking_message_id("message-notify") for _alert in self],
                old=[labels.get(previous_states[alert_id], "") for alert_id in self.ids],
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                field=self.env["ir.model.fields"]._get(self._name, "state").id,
                new=labels["resolved"],
                **common,
            )
        )
        self.env.invalidate_all()

    def _stock_alert_done_activities(self, activities, common):
        """Mark ``activities`` (of alerts of ``self``) done as ``action_feedback``
        does: a message with the activity and its feedback on each alert, the
        activity archived with the feedback, the counters of their users."""
        feedback = self.env._("Resolved: the cause cleared.")
        activities.fetch(["res_id", "activity_type_id", "user_id", "summary", "note", "date_deadline"])
        activities.activity_type_id.fetch(["name", "icon", "chaining_type"])
        # an activity that chains the next one or carries attachments (added by
        # hand) takes the ORM's way, which handles them
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search_fetch([("res_model", "=", "mail.activity"), ("res_id", "in", activities.ids)], ["res_id"])
        )
        with_files = set(attachments.mapped("res_id"))
        special = activities.filtered(
            lambda a: a.activity_type_id.chaining_type == "trigger" or a.id in with_files
        )
        if special:
            special.action_feedback(feedback=feedback)
            activities -= special
            if not activities:
                return
        activities.user_id.fetch(["partner_id"])
        activities.user_id.partner_id.fetch(["name"])
        qweb = self.env["ir.qweb"]
        bodies = [
            str(
                qweb._render(
                    "mail.message_activity_done",
                    {
                        "activity": activity,
                        "feedback": feedback,
                        "display_assignee": activity.user_id != self.env.user,
                    },
                    minimal_qcontext=True,
                )
            )
            for activity in activities
        ]
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message
                       (res_id, model, record_company_id, subtype_id, mail_activity_type_id, author_id,
                        message_type, email_from, message_id, reply_to, body, email_add_signature, date,
                        create_uid, create_date, write_uid, write_date)
                SELECT v.res_id, %(model)s, a.company_id, %(subtype)s, v.type_id, %(author)s,
                       'notification', %(email_from)s, v.message_id, %(reply_to)s, v.body, TRUE, %(date)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(ids)s::int[], %(types)s::int[], %(message_ids)s::varchar[],
                              %(bodies)s::text[]) AS v(res_id, type_id, message_id, body)
                  JOIN sales_plus_stock_alert a ON a.id = v.res_id
                """,
                ids=[activity.res_id for activity in activities],
                types=[activity.activity_type_id.id or None for activity in activities],
                message_ids=[
                    generate_tracking_message_id(f"{activity.res_id}-{self._name}") for activity in activities
                ],
                bodies=bodies,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities"),
                **common,
            )
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE mail_activity
                   SET active = FALSE, date_done = %(today)s, feedback = %(feedback)s,
                       write_uid = %(uid)s, write_date = %(now)s
                 WHERE id = ANY(%(ids)s)
                """,
                today=common["date"].date(),
                feedback=feedback,
                uid=common["uid"],
                now=common["now"],
                ids=activities.ids,
            )
        )
        today = fields.Date.today()
        for user, user_activities in activities.grouped("user_id").items():
            count = len(user_activities.filtered(lambda a: a.date_deadline <= today))
            if user and count:
                user._bus_send("mail.activity/updated", {"activity_deleted": True, "count_diff": -count})

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
