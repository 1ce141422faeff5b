# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext, LazyTranslate

from ..tools import LOCK_STOCK_ALERT_SCAN, try_lock

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

ALERT_TYPES = [
    ("shortage", "Shortage on Confirmation"),
    ("late_shipment", "Promised Date Passed, Not Shipped"),
    ("safety_stock", "Below Safety Stock"),
    ("reservation_expiring", "Quotation Expiring, Stock Not Held"),
]

# values compared between a stored open alert and the condition found by a scan
ALERT_TRACKED_FIELDS = [
    "severity",
    "quantity",
    "expected_date",
    "promised_date",
    "safety_qty",
    "forecast_qty",
    "suggested_qty",
]
# those stored rounded to the "Product Unit" precision
ALERT_ROUNDED_FIELDS = ("quantity", "safety_qty", "forecast_qty", "suggested_qty")
# what identifies or routes an alert, set once when the scan inserts it
ALERT_KEY_FIELDS = [
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
]
# what the scan's statement writes on existing alerts (see _stock_alert_sync_sql)
ALERT_SYNCED_FIELDS = [
    *ALERT_TRACKED_FIELDS,
    "severity_sequence",
    "state",
    "state_sequence",
    "date_resolved",
    "write_uid",
    "write_date",
]
# stock moves still to happen
OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")


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
    date_assigned = fields.Datetime(
        string="Activity Given On",
        readonly=True,
        copy=False,
        help="When the responsible got this alert's activity. Empty while the alert waits "
        "for room among the responsible's stock alert activities (see the company's limit).",
    )

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

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Stock alerts are raised by the stock alert scan only."))
        return super().create(vals_list)

    def write(self, vals):
        # an alert's figures, routing and state belong to the scan and to its
        # actions; its readers keep the chatter and activities (mail fields)
        if not self.env.su and set(vals) - self._stock_alert_mail_fields():
            raise AccessError(
                self.env._(
                    "Stock alerts are kept by the stock alert scan: acknowledge or reopen them with "
                    "their buttons."
                )
            )
        return super().write(vals)

    @api.model
    def _stock_alert_mail_fields(self):
        return set(self.env["mail.thread"]._fields) | set(self.env["mail.activity.mixin"]._fields)

    # ---- Action methods ----

    def action_acknowledge(self):
        """Seen and being handled: closes the responsible's activity; the alert
        resolves itself when its cause clears. For whoever may see the alert."""
        self.check_access("write")
        alerts = self.filtered(lambda a: a.state == "open")
        alerts.sudo().write({"state": "acknowledged"})
        alerts._stock_alert_close_activities(self.env._("Acknowledged"))
        return True

    def action_reopen(self):
        self.check_access("write")
        self.filtered(lambda a: a.state == "acknowledged").sudo().write({"state": "open"})
        return True

    # ---- Business methods: the scan ----

    @api.model
    def _cron_stock_alert_scan(self):
        """The schedule of every company's scan (Sales Plus: scan stock alerts):
        gives each active company its own scan job and triggers them all, so that
        the cron workers of every Odoo server share the companies, one job each
        (see ``res.company._stock_alert_scan_job``)."""
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        for job in companies._stock_alert_scan_job():
            job._trigger()

    @api.model
    def _cron_stock_alert_scan_company(self, company_id):
        """The scan job of one company, run by whichever cron worker takes it;
        commits its progress (the company done) through ``ir.cron``. Another
        server scanning the company right now holds its lock: nothing to do."""
        IrCron = self.env["ir.cron"]
        company = self.env["res.company"].sudo().browse(company_id).exists()
        if not company:
            IrCron._commit_progress(deactivate=True)  # the company is gone
            return
        if not company.active:
            return
        result = self._stock_alert_scan(companies=company)
        IrCron._commit_progress(0 if result["skipped"] else 1)

    @api.model
    def _stock_alert_scan(self, orders=None, companies=None):
        """Evaluate every alert condition in batched SQL and bring the unresolved
        alerts in line with them: create the missing ones, update changed
        figures, resolve those whose cause cleared (marking their activity done)
        and give waiting alerts their activity while their responsible holds
        fewer than the company's limit. Idempotent: a second run with nothing
        changed writes nothing.

        The comparison and the three writes of the alerts are one SQL statement;
        the activities are created and closed through ``mail``, in batches, and
        at most the company's limit per responsible: the number of queries does
        not grow with the number of alerts.

        With ``orders``, only the lines, transfers and alerts of these orders are
        considered (used on confirmation and cancellation). Otherwise every
        company of ``companies`` (default: all) whose lock it takes: a company
        being scanned by another transaction (another server's cron worker) is
        skipped and counted in ``skipped``.
        Runs as superuser: alerts are system records, routed by their own rules.
        """
        alerts = self.sudo()
        result = {"created": 0, "updated": 0, "resolved": 0, "skipped": 0}
        if orders is None:
            companies = (companies or alerts.env["res.company"].search([("active", "=", True)])).sudo()
            locked = companies.filtered(lambda c: try_lock(alerts.env, LOCK_STOCK_ALERT_SCAN, c.id))
            result["skipped"] = len(companies - locked)
            if not locked:
                return result
            alerts.env["sale.order.line"]._stock_alert_refresh(companies=locked)
            scope = {"company_ids": locked.ids}
        else:
            orders.sudo().order_line._stock_alert_refresh()
            scope = {"order_ids": orders.ids}
        now = fields.Datetime.now()
        alerts._stock_alert_flush_sources()
        rows = alerts.env.execute_query(alerts._stock_alert_sync_sql(now, **scope))
        alerts.invalidate_model(ALERT_SYNCED_FIELDS)
        created = [row[1] for row in rows if row[0] == "created"]
        updated = [row[1] for row in rows if row[0] == "updated"]
        resolved = [row[1] for row in rows if row[0] == "resolved"]
        if resolved:
            # in the language of each responsible, not of the scan
            alerts.browse(resolved)._stock_alert_close_activities(_lt("Resolved: the cause cleared."))
        alerts._stock_alert_to_assign(**scope)._stock_alert_assign()
        result.update(created=len(created), updated=len(updated), resolved=len(resolved))
        if created or updated or resolved:
            _logger.info(
                "Stock alert scan: %s created, %s updated, %s resolved",
                len(created),
                len(updated),
                len(resolved),
            )
        return result

    @api.model
    def _stock_alert_flush_sources(self):
        """Flush what the conditions and the scan's statement read."""
        models_read = [
            "sale.order",
            "sale.order.line",
            "stock.picking",
            "stock.picking.type",
            "stock.move",
            "stock.location",
            "stock.warehouse",
            "stock.warehouse.orderpoint",
            "stock.quant",
            "product.product",
            "product.template",
            "product.supplierinfo",
            "res.company",
            "res.users",
            "res.groups",
            "res.partner",
            "mrp.bom",
            self._name,
        ]
        for name in models_read:
            if name in self.env:
                self.env[name].flush_model()

    @api.model
    def _stock_alert_scope_sql(self, order_ids=None, company_ids=None, order=None, company=None):
        """The condition restricting a query to ``order_ids`` (on the SQL
        expression ``order``) or ``company_ids`` (on ``company``); TRUE for all."""
        if order_ids is not None:
            return SQL("%s = ANY(%s)", order, order_ids)
        if company_ids is not None:
            return SQL("%s = ANY(%s)", company, company_ids)
        return SQL("TRUE")

    @api.model
    def _stock_alert_conditions_sql(self, now, order_ids=None, company_ids=None):
        """Every alert condition that holds now, one row per (type, subject key),
        figures rounded as the fields store them: one SQL query per type, none
        per record, joined in one."""
        scope = {"order_ids": order_ids, "company_ids": company_ids}
        parts = [
            self._stock_alert_shortage_sql(**scope),
            self._stock_alert_late_sql(now, **scope),
        ]
        if order_ids is None:
            parts.append(self._stock_alert_safety_sql(now, company_ids))
        parts.append(self._stock_alert_expiring_sql(now, **scope))
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        return SQL(
            """
            SELECT c.alert_type, c.subject_key, c.company_id, c.product_id, c.warehouse_id,
                   c.order_id, c.order_line_id, c.picking_id, c.uom_id, c.salesperson_id,
                   c.team_id, c.responsible_ids, c.severity, c.expected_date, c.promised_date,
                   %(rounded)s
              FROM (%(parts)s) c
            """,
            rounded=self._stock_alert_rounded_sql("c", precision),
            parts=SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts),
        )

    @api.model
    def _stock_alert_rounded_sql(self, alias, precision):
        """The rounded figures of ``alias``, as the fields store them."""
        return SQL(", ").join(
            SQL(
                "ROUND(COALESCE(%s, 0)::numeric, %s) AS %s",
                SQL.identifier(alias, name),
                precision,
                SQL.identifier(name),
            )
            for name in ALERT_ROUNDED_FIELDS
        )

    @api.model
    def _stock_alert_unresolved_sql(self, order_ids=None, company_ids=None):
        """The unresolved alerts (of ``order_ids`` or ``company_ids``) with their
        tracked figures rounded as the conditions are."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        return SQL(
            """
            SELECT a.id, a.state, a.alert_type, a.subject_key, a.severity, a.expected_date,
                   a.promised_date, %(rounded)s
              FROM sales_plus_stock_alert a
             WHERE a.state != 'resolved' AND %(scope)s
            """,
            rounded=self._stock_alert_rounded_sql("a", precision),
            scope=self._stock_alert_scope_sql(order_ids, company_ids, SQL("a.order_id"), SQL("a.company_id")),
        )

    @api.model
    def _stock_alert_changed_sql(self, old, new):
        """The tracked figures of ``old`` differ from those of ``new`` (aliases)."""
        return SQL(
            "(%s) IS DISTINCT FROM (%s)",
            SQL(", ").join(SQL.identifier(old, name) for name in ALERT_TRACKED_FIELDS),
            SQL(", ").join(SQL.identifier(new, name) for name in ALERT_TRACKED_FIELDS),
        )

    @api.model
    def _stock_alert_sync_sql(self, now, order_ids=None, company_ids=None):
        """One statement comparing the conditions with the unresolved alerts (of
        ``order_ids`` or ``company_ids``): it resolves the alerts whose condition
        is gone, updates the figures that changed and inserts the missing alerts
        (an alert inserted meanwhile by another transaction is left to it),
        routed to the first active internal user among their responsibles (for
        a late shipment, else its salesperson), else to the company's fallback
        user. Returns rows (action, alert id)."""
        write_date = self.env.cr.now()
        tracked_set = SQL(", ").join(
            SQL("%s = c.%s", SQL.identifier(name), SQL.identifier(name)) for name in ALERT_TRACKED_FIELDS
        )
        tracked_cols = SQL(", ").join(SQL.identifier(name) for name in ALERT_TRACKED_FIELDS)
        tracked_new = SQL(", ").join(SQL.identifier("c", name) for name in ALERT_TRACKED_FIELDS)
        key_cols = SQL(", ").join(SQL.identifier(name) for name in ALERT_KEY_FIELDS)
        key_vals = SQL(", ").join(SQL.identifier("c", name) for name in ALERT_KEY_FIELDS)
        severity_sequence = SQL(
            "CASE c.severity WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 9 END"
        )
        return SQL(
            """
            WITH cond AS MATERIALIZED (%(conditions)s),
            cur AS (%(unresolved)s),
            resolved AS (
                UPDATE sales_plus_stock_alert a
                   SET state = 'resolved', state_sequence = 3, date_resolved = %(now)s,
                       write_uid = %(uid)s, write_date = %(write_date)s
                  FROM cur
                 WHERE a.id = cur.id
                   AND NOT EXISTS (SELECT 1 FROM cond c
                                    WHERE c.alert_type = cur.alert_type AND c.subject_key = cur.subject_key)
             RETURNING a.id
            ),
            updated AS (
                UPDATE sales_plus_stock_alert a
                   SET %(tracked_set)s, severity_sequence = %(severity_sequence)s,
                       write_uid = %(uid)s, write_date = %(write_date)s
                  FROM cur, cond c
                 WHERE a.id = cur.id AND c.alert_type = cur.alert_type AND c.subject_key = cur.subject_key
                   AND %(changed)s
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
                    ON CONFLICT (alert_type, subject_key) WHERE state != 'resolved' DO NOTHING
             RETURNING id
            )
            SELECT 'resolved', id FROM resolved
             UNION ALL
            SELECT 'updated', id FROM updated
             UNION ALL
            SELECT 'created', id FROM created
            """,
            conditions=self._stock_alert_conditions_sql(now, order_ids, company_ids),
            unresolved=self._stock_alert_unresolved_sql(order_ids, company_ids),
            changed=self._stock_alert_changed_sql("cur", "c"),
            now=now,
            uid=self.env.uid,
            write_date=write_date,
            tracked_set=tracked_set,
            tracked_new=tracked_new,
            tracked_cols=tracked_cols,
            severity_sequence=severity_sequence,
            key_cols=key_cols,
            key_vals=key_vals,
        )

    # ---- Business methods: the conditions ----

    @api.model
    def _stock_alert_shortage_sql(self, order_ids=None, company_ids=None):
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
            self._stock_alert_scope_sql(order_ids, company_ids, SQL("so.id"), SQL("so.company_id")),
        )

    @api.model
    def _stock_alert_late_sql(self, now, order_ids=None, company_ids=None):
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
               AND so.state = 'sale' AND %(scope)s
               AND (COALESCE(so.commitment_date, p.date_deadline, p.scheduled_date)::date < %(today)s
                    OR p.has_deadline_issue)
            """,
            today=now.date(),
            scope=self._stock_alert_scope_sql(order_ids, company_ids, SQL("so.id"), SQL("p.company_id")),
        )

    @api.model
    def _stock_alert_safety_sql(self, now, company_ids=None):
        """Products of each warehouse (of ``company_ids``) whose forecast (on hand
        + incoming - outgoing, each move counted once as it enters or leaves the
        warehouse) is under their safety stock: the reordering rule minimum when
        there is one, else average daily deliveries over the company's demand
        period x lead time (the shortest vendor delay, else the company default)
        x the company factor. Suggested replenishment: up to the rule maximum,
        else the safety stock plus the demand over the lead time. Routed to the
        purchase representative (with ``purchase``), else the product's
        responsible, else the company's replenishment alert group, else its
        fallback user. Kits (with ``mrp``) have no safety stock of their own."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        kit_bom = self._stock_alert_kit_bom_sql()
        products = SQL("SELECT product_id FROM safety")
        return SQL(
            """
            WITH kit AS (%(kit_bom)s),
            rule AS (
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
                 WHERE %(scope)s
                   -- a kit has no stock of its own: its components have their safety stock
                   AND NOT EXISTS (SELECT 1 FROM kit
                                    WHERE kit.product_id = pp.id AND kit.company_id = wh.company_id)
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
                  FROM (SELECT i.product_id, i.warehouse_id, i.product_qty AS qty FROM (%(incoming)s) i
                         UNION ALL
                        SELECT o.product_id, o.warehouse_id, -o.product_qty FROM (%(outgoing)s) o) moves
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
            kit_bom=kit_bom,
            scope=self._stock_alert_scope_sql(company_ids=company_ids, company=SQL("wh.company_id")),
            incoming=self._stock_alert_warehouse_moves_sql(products),
            outgoing=self._stock_alert_warehouse_moves_sql(products, outgoing=True),
            buyer=self._stock_alert_buyer_sql(SQL("c.product_id"), SQL("c.company_id")),
            group_users=self._stock_alert_group_users_sql(),
        )

    @api.model
    def _stock_alert_expiring_sql(self, now, order_ids=None, company_ids=None):
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
               AND %(scope)s
          GROUP BY so.id
            """,
            today=now.date(),
            scope=self._stock_alert_scope_sql(order_ids, company_ids, SQL("so.id"), SQL("so.company_id")),
        )

    # ---- Business methods: shared SQL ----

    @api.model
    def _stock_alert_warehouse_moves_sql(self, products, outgoing=False):
        """Open stock moves of ``products`` (SQL returning product ids) that
        enter a warehouse's internal locations from outside that warehouse (or,
        with ``outgoing``, leave them for outside it), one row per move:
        (product_id, company_id, warehouse_id, date, product_qty, crosses_company),
        ``warehouse_id`` being the warehouse entered (left), ``crosses_company``
        whether the other end is outside the company's warehouses (a vendor, a
        customer, production), not another warehouse or a transit location."""
        here, there = ("sl", "dl") if outgoing else ("dl", "sl")
        return SQL(
            """
            SELECT m.product_id, m.company_id, %(here_wh)s AS warehouse_id, m.date, m.product_qty,
                   %(there_usage)s NOT IN ('internal', 'transit') AS crosses_company
              FROM stock_move m
              JOIN stock_location dl ON dl.id = m.location_dest_id
              JOIN stock_location sl ON sl.id = m.location_id
             WHERE m.state IN %(open)s
               AND m.product_id IN (%(products)s)
               AND %(here_usage)s = 'internal' AND %(here_wh)s IS NOT NULL
               AND (%(there_usage)s != 'internal' OR %(there_wh)s IS DISTINCT FROM %(here_wh)s)
            """,
            here_wh=SQL.identifier(here, "warehouse_id"),
            here_usage=SQL.identifier(here, "usage"),
            there_wh=SQL.identifier(there, "warehouse_id"),
            there_usage=SQL.identifier(there, "usage"),
            open=OPEN_MOVE_STATES,
            products=products,
        )

    @api.model
    def _stock_alert_kit_bom_sql(self):
        """(product_id, company_id, bom_id, bom_qty, bom_factor, product_factor):
        the kit bill of materials of each product in each company, as Odoo picks
        it (the first active phantom one of the variant or its template, by
        sequence), with the factors of its unit and of the product's unit. No
        row without ``mrp``, which sales_plus does not depend on."""
        if "mrp.bom" not in self.env:
            return SQL(
                "SELECT NULL::int AS product_id, NULL::int AS company_id, NULL::int AS bom_id,"
                " NULL::float AS bom_qty, NULL::float AS bom_factor, NULL::float AS product_factor"
                " WHERE FALSE"
            )
        return SQL(
            """
            SELECT DISTINCT ON (pp.id, rc.id)
                   pp.id AS product_id, rc.id AS company_id, b.id AS bom_id,
                   b.product_qty AS bom_qty, bu.factor AS bom_factor, tu.factor AS product_factor
              FROM mrp_bom b
              JOIN product_product pp ON pp.id = b.product_id
                                      OR (b.product_id IS NULL AND pp.product_tmpl_id = b.product_tmpl_id)
              JOIN product_template t ON t.id = pp.product_tmpl_id
              JOIN uom_uom bu ON bu.id = b.product_uom_id
              JOIN uom_uom tu ON tu.id = t.uom_id
              JOIN res_company rc ON b.company_id IS NULL OR b.company_id = rc.id
             WHERE b.active AND b.type = 'phantom' AND b.product_qty > 0
          ORDER BY pp.id, rc.id, b.sequence, b.product_id, b.id
            """
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

    # ---- Business methods: activities ----

    @api.model
    def _stock_alert_to_assign(self, order_ids=None, company_ids=None):
        """The open alerts (of ``order_ids`` or ``company_ids``) that have not had
        their activity yet and that their responsible has room for: each person
        holds at most the company's limit of open stock alert activities; the
        most severe, then the oldest, alerts come first. The others wait."""
        self.env["mail.activity"].flush_model(["res_model", "res_id", "user_id", "active"])
        self.env["res.company"].flush_model(["sales_plus_stock_alert_activity_limit"])
        self.flush_model(["state", "user_id", "company_id", "date_assigned", "severity_sequence"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH held AS (
                    SELECT a.company_id, act.user_id, COUNT(*) AS activities
                      FROM mail_activity act
                      JOIN sales_plus_stock_alert a ON a.id = act.res_id
                     WHERE act.res_model = %(model)s AND act.active AND a.state != 'resolved'
                  GROUP BY a.company_id, act.user_id
                ),
                waiting AS (
                    SELECT a.id, a.company_id, a.user_id,
                           ROW_NUMBER() OVER (PARTITION BY a.company_id, a.user_id
                                                  ORDER BY a.severity_sequence, a.id) AS rank
                      FROM sales_plus_stock_alert a
                     WHERE a.state = 'open' AND a.date_assigned IS NULL AND a.user_id IS NOT NULL
                       AND %(scope)s
                )
                SELECT w.id
                  FROM waiting w
                  JOIN res_company rc ON rc.id = w.company_id
             LEFT JOIN held h ON h.company_id = w.company_id AND h.user_id = w.user_id
                 WHERE w.rank <= rc.sales_plus_stock_alert_activity_limit - COALESCE(h.activities, 0)
              ORDER BY w.id
                """,
                model=self._name,
                scope=self._stock_alert_scope_sql(
                    order_ids, company_ids, SQL("a.order_id"), SQL("a.company_id")
                ),
            )
        )
        return self.browse([row[0] for row in rows])

    def _stock_alert_assign(self):
        """Give each alert of ``self`` its activity, in the responsible's
        language, and its followers: the responsible (as ``mail.activity``
        subscribes them), the salesperson of a late shipment routed to the
        warehouse, the other members of the replenishment group of a safety
        stock alert routed to one of them. As the ``mail_activity_quick_update``
        context says, the responsible gets no email, only the activity counter
        update."""
        if not self:
            return
        activity_type = self.env.ref("sales_plus.mail_activity_type_stock_alert", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.fetch(["user_id"])
        self.user_id.fetch(["lang", "partner_id"])
        vals_list = []
        for lang, alerts in self.grouped(lambda alert: alert.user_id.lang).items():
            alerts = alerts.with_context(lang=lang)
            alerts._stock_alert_prefetch()
            vals_list += [
                {
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": alert._stock_alert_summary(),
                    "user_id": alert.user_id.id,
                    "date_deadline": today,
                    "automated": True,
                }
                for alert in alerts
            ]
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        for partner_ids, alerts in self._stock_alert_followers().items():
            alerts.message_subscribe(partner_ids=list(partner_ids))
        self.write({"date_assigned": fields.Datetime.now()})

    def _stock_alert_followers(self):
        """{partner ids: alerts}: who follows the alerts of ``self`` besides their
        responsible: late shipments are the warehouse's to act on, the
        salesperson is kept informed; a safety stock alert routed to a member of
        the company's replenishment group is followed by its other members."""
        group_users = {}
        if any(alert.alert_type == "safety_stock" for alert in self):
            for name in ("res.company", "res.users", "res.groups"):
                self.env[name].flush_model()
            group_users = dict(self.env.execute_query(self._stock_alert_group_users_sql()))
        followers = defaultdict(list)
        for alert in self:
            users = self.env["res.users"]
            members = group_users.get(alert.company_id.id, ())
            if alert.alert_type == "late_shipment" and alert.salesperson_id != alert.user_id:
                users = alert.salesperson_id
            elif alert.alert_type == "safety_stock" and alert.user_id.id in members:
                users = self.env["res.users"].browse(members) - alert.user_id
            if users:
                followers[tuple(users.partner_id.ids)].append(alert.id)
        return {partner_ids: self.browse(ids) for partner_ids, ids in followers.items()}

    def _stock_alert_close_activities(self, feedback):
        """Mark the open activities of the alerts of ``self`` done with
        ``feedback`` (a lazy term: in the language of each activity's
        assignee), as ``mail.activity.action_feedback`` does (a "done" message
        on the alert, the activity archived with its feedback), in a fixed number
        of queries: the messages are logged in one batch. An activity that chains
        the next one, carries files or shares its alert with another takes
        ``action_feedback`` itself."""
        activities = self.sudo().activity_ids
        if not activities:
            return
        activities.fetch(["res_id", "activity_type_id", "user_id", "summary", "note", "date_deadline"])
        activities.activity_type_id.fetch(["name", "icon", "chaining_type"])
        with_files = set(
            self.env["ir.attachment"]
            .sudo()
            .search_fetch([("res_model", "=", "mail.activity"), ("res_id", "in", activities.ids)], ["res_id"])
            .mapped("res_id")
        )
        per_alert = defaultdict(int)
        for activity in activities:
            per_alert[activity.res_id] += 1
        special = activities.filtered(
            lambda a: (
                a.activity_type_id.chaining_type == "trigger" or a.id in with_files or per_alert[a.res_id] > 1
            )
        )
        activities.user_id.fetch(["lang"])
        by_lang = activities.grouped(lambda activity: activity.user_id.lang)
        texts = {
            lang: feedback._translate(lang) if isinstance(feedback, LazyGettext) else feedback
            for lang in by_lang
        }
        for lang, lang_special in special.grouped(lambda activity: activity.user_id.lang).items():
            lang_special.with_context(lang=lang).action_feedback(feedback=texts[lang])
        activities -= special
        if not activities:
            return
        activities.user_id.partner_id.fetch(["name"])
        bodies = {}
        for lang, lang_activities in activities.grouped(lambda activity: activity.user_id.lang).items():
            qweb = self.env["ir.qweb"].with_context(lang=lang)
            bodies.update(
                {
                    activity.res_id: qweb._render(
                        "mail.message_activity_done",
                        {
                            "activity": activity.with_context(lang=lang),
                            "feedback": texts[lang],
                            "display_assignee": activity.user_id != self.env.user,
                        },
                        minimal_qcontext=True,
                    )
                    for activity in lang_activities
                }
            )
        alerts = self.sudo().browse(list(bodies))
        messages = alerts._message_log_batch(bodies, author_id=self.env.user.partner_id.id)
        # as a done activity is logged: in the Activities subtype, with its type
        type_by_alert = {activity.res_id: activity.activity_type_id for activity in activities}
        done_subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities")
        for activity_type, type_messages in messages.grouped(lambda m: type_by_alert[m.res_id]).items():
            type_messages.write({"subtype_id": done_subtype, "mail_activity_type_id": activity_type.id})
        for lang, lang_activities in activities.grouped(lambda activity: activity.user_id.lang).items():
            lang_activities.write({"active": False, "feedback": texts[lang]})

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
