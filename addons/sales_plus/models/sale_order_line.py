from odoo import api, fields, models
from odoo.tools import SQL

# the fields _stock_alert_refresh() writes, in the order of its SQL
STOCK_ALERT_LINE_FIELDS = [
    "stock_alert_on_hand_qty",
    "stock_alert_reserved_qty",
    "stock_alert_free_qty",
    "stock_alert_incoming_qty",
    "stock_alert_company_on_hand_qty",
    "stock_alert_company_reserved_qty",
    "stock_alert_company_free_qty",
    "stock_alert_company_incoming_qty",
    "stock_alert_line_reserved_qty",
    "stock_alert_shortage_qty",
    "stock_alert_shortage",
    "stock_alert_incoming_date",
    "stock_alert_promised_date",
]

# line fields whose change calls for new figures
STOCK_ALERT_TRIGGER_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom_id",
    "route_ids",
    "customer_lead",
    "display_type",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    # Stock of the line's product, in the line's unit of measure, written in batch by
    # _stock_alert_refresh() (Odoo's own forecast fields are neither stored nor
    # searchable). "Warehouse" is the warehouse the line ships from; "company" sums
    # every warehouse of the line's company.
    stock_alert_on_hand_qty = fields.Float(
        string="On Hand (Warehouse)", digits="Product Unit", readonly=True, copy=False
    )
    stock_alert_reserved_qty = fields.Float(
        string="Reserved (Warehouse)",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="Reserved by any transfer in the warehouse, on whichever step of a "
        "multi-step delivery holds the goods.",
    )
    stock_alert_free_qty = fields.Float(
        string="Free (Warehouse)",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="On hand minus reserved.",
    )
    stock_alert_incoming_qty = fields.Float(
        string="Incoming (Warehouse)",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="Expected into the warehouse by the promised date.",
    )
    stock_alert_company_on_hand_qty = fields.Float(
        string="On Hand (All Warehouses)", digits="Product Unit", readonly=True, copy=False
    )
    stock_alert_company_reserved_qty = fields.Float(
        string="Reserved (All Warehouses)", digits="Product Unit", readonly=True, copy=False
    )
    stock_alert_company_free_qty = fields.Float(
        string="Free (All Warehouses)", digits="Product Unit", readonly=True, copy=False
    )
    stock_alert_company_incoming_qty = fields.Float(
        string="Incoming (All Warehouses)",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="Expected into the company's warehouses from outside by the promised date.",
    )
    stock_alert_line_reserved_qty = fields.Float(
        string="Reserved for this Line",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="What the transfers of this confirmed line hold.",
    )
    stock_alert_shortage_qty = fields.Float(
        string="Quantity Short",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="What neither the line's reservation, the free stock nor the stock "
        "incoming by the promised date covers.",
    )
    stock_alert_shortage = fields.Boolean(string="Short of Stock", readonly=True, copy=False, index=True)
    stock_alert_incoming_date = fields.Datetime(
        string="Next Incoming Stock",
        readonly=True,
        copy=False,
        help="When the next receipt of the product into the warehouse is expected.",
    )
    stock_alert_promised_date = fields.Datetime(
        string="Promised Date",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Commitment date of the order, else order date plus the delivery lead time. "
        "Empty when the line needs no stock check.",
    )

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._stock_alert_refresh()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if STOCK_ALERT_TRIGGER_FIELDS.intersection(vals):
            self._stock_alert_refresh()
        return res

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _stock_alert_refresh(self, all_lines=False):
        """Recompute the ``stock_alert_*`` figures of ``self`` (or, with
        ``all_lines``, of every open line and every line that still carries figures)
        in two SQL statements, whatever the number of lines, and write only the rows
        whose figures changed. Returns the ids of the orders whose lines changed.

        Stock is read from the quants of the internal locations of each warehouse
        (so reservations held on a pick or pack step count, and no unit is counted
        twice), incoming stock from the open moves entering the warehouse from
        outside it by the line's promised date.
        """
        if not all_lines and not self.ids:
            return []
        self.env.flush_all()
        if all_lines:
            scope = self._stock_alert_open_scope_sql()
        else:
            scope = SQL("sol.id = ANY(%s)", self.ids)
        query = SQL(
            """
            UPDATE sale_order_line sol
               SET stock_alert_on_hand_qty = n.on_hand,
                   stock_alert_reserved_qty = n.reserved,
                   stock_alert_free_qty = n.free,
                   stock_alert_incoming_qty = n.incoming,
                   stock_alert_company_on_hand_qty = n.company_on_hand,
                   stock_alert_company_reserved_qty = n.company_reserved,
                   stock_alert_company_free_qty = n.company_free,
                   stock_alert_company_incoming_qty = n.company_incoming,
                   stock_alert_line_reserved_qty = n.line_reserved,
                   stock_alert_shortage_qty = n.short,
                   stock_alert_shortage = n.short > 0,
                   stock_alert_incoming_date = n.next_date,
                   stock_alert_promised_date = n.promised
              FROM (%(figures)s) n
             WHERE sol.id = n.id
               AND (COALESCE(sol.stock_alert_on_hand_qty, 0), COALESCE(sol.stock_alert_reserved_qty, 0),
                    COALESCE(sol.stock_alert_free_qty, 0), COALESCE(sol.stock_alert_incoming_qty, 0),
                    COALESCE(sol.stock_alert_company_on_hand_qty, 0),
                    COALESCE(sol.stock_alert_company_reserved_qty, 0),
                    COALESCE(sol.stock_alert_company_free_qty, 0),
                    COALESCE(sol.stock_alert_company_incoming_qty, 0),
                    COALESCE(sol.stock_alert_line_reserved_qty, 0), COALESCE(sol.stock_alert_shortage_qty, 0),
                    COALESCE(sol.stock_alert_shortage, FALSE), sol.stock_alert_incoming_date,
                    sol.stock_alert_promised_date)
                   IS DISTINCT FROM
                   (n.on_hand, n.reserved, n.free, n.incoming, n.company_on_hand, n.company_reserved,
                    n.company_free, n.company_incoming, n.line_reserved, n.short, n.short > 0,
                    n.next_date, n.promised)
         RETURNING sol.order_id
            """,
            figures=self._stock_alert_figures_sql(scope),
        )
        order_ids = list({row[0] for row in self.env.execute_query(query)})
        self.env["sale.order.line"].invalidate_model(STOCK_ALERT_LINE_FIELDS)
        if order_ids:
            self.env["sale.order"].browse(order_ids)._stock_alert_update_at_risk()
        return order_ids

    @api.model
    def _stock_alert_open_scope_sql(self):
        """Lines a full refresh covers (``sol``, ``so``): open lines, and lines that
        still carry figures."""
        return SQL(
            "((so.state IN ('draft', 'sent')"
            " OR (so.state = 'sale' AND sol.qty_delivered < sol.product_uom_qty))"
            " OR sol.stock_alert_promised_date IS NOT NULL)"
        )

    @api.model
    def _stock_alert_figures_sql(self, scope):
        """The figures of the lines of ``scope`` (a condition on ``sol`` / ``so``),
        one row per line in the order of STOCK_ALERT_LINE_FIELDS, rounded as stored."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        not_kit = SQL("TRUE")
        if "mrp.bom" in self.env:
            # a kit has no stock of its own: its components are checked on delivery
            not_kit = SQL(
                """NOT EXISTS (
                    SELECT 1 FROM mrp_bom bom
                     WHERE bom.type = 'phantom' AND bom.active
                       AND (bom.product_id = sol.product_id
                            OR (bom.product_id IS NULL AND bom.product_tmpl_id = pt.id)))"""
            )
        return SQL(
            """
            WITH line AS (
                SELECT sol.id, sol.order_id, sol.product_id, sol.company_id, so.state,
                       COALESCE(sol.warehouse_id, so.warehouse_id) AS warehouse_id,
                       COALESCE(
                           so.commitment_date,
                           so.date_order + COALESCE(sol.customer_lead, 0) * INTERVAL '1 day') AS promised,
                       lu.factor / pu.factor AS to_product,
                       pu.factor AS product_factor,
                       CASE WHEN so.state = 'sale' THEN sol.product_uom_qty - sol.qty_delivered
                            ELSE sol.product_uom_qty END * lu.factor / pu.factor AS required,
                       COALESCE(sol.display_type IS NULL AND pt.is_storable
                                AND (so.state IN ('draft', 'sent')
                                     OR (so.state = 'sale' AND sol.qty_delivered < sol.product_uom_qty))
                                AND %(not_kit)s, FALSE) AS eligible
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
             LEFT JOIN product_product pp ON pp.id = sol.product_id
             LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN uom_uom lu ON lu.id = sol.product_uom_id
             LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE %(scope)s
            ),
            product AS (
                SELECT DISTINCT product_id FROM line WHERE eligible
            ),
            wh_quant AS (
                SELECT sq.product_id, loc.warehouse_id,
                       SUM(sq.quantity) AS on_hand, SUM(sq.reserved_quantity) AS reserved
                  FROM stock_quant sq
                  JOIN stock_location loc ON loc.id = sq.location_id
                 WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
                   AND sq.product_id IN (SELECT product_id FROM product)
              GROUP BY sq.product_id, loc.warehouse_id
            ),
            company_quant AS (
                SELECT wq.product_id, wh.company_id,
                       SUM(wq.on_hand) AS on_hand, SUM(wq.reserved) AS reserved
                  FROM wh_quant wq
                  JOIN stock_warehouse wh ON wh.id = wq.warehouse_id
              GROUP BY wq.product_id, wh.company_id
            ),
            incoming AS (
                SELECT m.product_id, m.company_id, dl.warehouse_id, m.date, m.product_qty,
                       sl.usage NOT IN ('internal', 'transit') AS into_company
                  FROM stock_move m
                  JOIN stock_location dl ON dl.id = m.location_dest_id
                  JOIN stock_location sl ON sl.id = m.location_id
                 WHERE m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
                   AND m.product_id IN (SELECT product_id FROM product)
                   AND dl.usage = 'internal' AND dl.warehouse_id IS NOT NULL
                   AND (sl.usage != 'internal' OR sl.warehouse_id IS DISTINCT FROM dl.warehouse_id)
            ),
            line_incoming AS (
                SELECT l.id,
                       SUM(i.product_qty) FILTER (
                           WHERE i.warehouse_id = l.warehouse_id AND i.date <= l.promised) AS wh_in,
                       SUM(i.product_qty) FILTER (
                           WHERE i.into_company AND i.date <= l.promised) AS company_in,
                       MIN(i.date) FILTER (WHERE i.warehouse_id = l.warehouse_id) AS next_date
                  FROM line l
                  JOIN incoming i ON i.product_id = l.product_id AND i.company_id = l.company_id
                 WHERE l.eligible
              GROUP BY l.id
            ),
            line_reserved AS (
                SELECT m.sale_line_id AS id, SUM(m.quantity * mu.factor / l.product_factor) AS qty
                  FROM stock_move m
                  JOIN line l ON l.id = m.sale_line_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN stock_location sl ON sl.id = m.location_id
                 WHERE l.eligible AND l.state = 'sale' AND m.product_id = l.product_id
                   AND m.state NOT IN ('draft', 'done', 'cancel') AND sl.usage = 'internal'
              GROUP BY m.sale_line_id
            ),
            figures AS (
                SELECT l.id, l.eligible, l.to_product, l.promised, li.next_date,
                       COALESCE(wq.on_hand, 0) AS on_hand, COALESCE(wq.reserved, 0) AS reserved,
                       COALESCE(li.wh_in, 0) AS wh_in,
                       COALESCE(cq.on_hand, 0) AS company_on_hand,
                       COALESCE(cq.reserved, 0) AS company_reserved,
                       COALESCE(li.company_in, 0) AS company_in,
                       COALESCE(lr.qty, 0) AS line_reserved,
                       GREATEST(l.required - COALESCE(lr.qty, 0)
                                - GREATEST(COALESCE(wq.on_hand, 0) - COALESCE(wq.reserved, 0), 0)
                                - COALESCE(li.wh_in, 0), 0) AS short
                  FROM line l
             LEFT JOIN wh_quant wq ON l.eligible AND wq.product_id = l.product_id
                                  AND wq.warehouse_id = l.warehouse_id
             LEFT JOIN company_quant cq ON l.eligible AND cq.product_id = l.product_id
                                       AND cq.company_id = l.company_id
             LEFT JOIN line_incoming li ON li.id = l.id
             LEFT JOIN line_reserved lr ON lr.id = l.id
            ),
            new AS (
                SELECT f.id,
                       ROUND((f.on_hand / f.to_product)::numeric, %(p)s) AS on_hand,
                       ROUND((f.reserved / f.to_product)::numeric, %(p)s) AS reserved,
                       ROUND(((f.on_hand - f.reserved) / f.to_product)::numeric, %(p)s) AS free,
                       ROUND((f.wh_in / f.to_product)::numeric, %(p)s) AS incoming,
                       ROUND((f.company_on_hand / f.to_product)::numeric, %(p)s) AS company_on_hand,
                       ROUND((f.company_reserved / f.to_product)::numeric, %(p)s) AS company_reserved,
                       ROUND(((f.company_on_hand - f.company_reserved) / f.to_product)::numeric, %(p)s)
                           AS company_free,
                       ROUND((f.company_in / f.to_product)::numeric, %(p)s) AS company_incoming,
                       ROUND((f.line_reserved / f.to_product)::numeric, %(p)s) AS line_reserved,
                       ROUND((f.short / f.to_product)::numeric, %(p)s) AS short,
                       f.next_date, f.promised
                  FROM figures f
                 WHERE f.eligible
                 UNION ALL
                SELECT f.id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL
                  FROM figures f
                 WHERE NOT f.eligible
            )
            SELECT * FROM new
            """,
            scope=scope,
            not_kit=not_kit,
            p=precision,
        )
