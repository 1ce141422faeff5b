# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

# the fields _stock_alert_refresh() writes
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

# each field _stock_alert_refresh() writes: the column of the figures query it takes
STOCK_ALERT_LINE_COLUMNS = dict(
    zip(
        STOCK_ALERT_LINE_FIELDS,
        [
            "on_hand",
            "reserved",
            "free",
            "incoming",
            "company_on_hand",
            "company_reserved",
            "company_free",
            "company_incoming",
            "line_reserved",
            "short",
            "is_short",
            "next_date",
            "promised",
        ],
        strict=True,
    )
)
# what an empty figure compares as (none for dates: empty is empty)
STOCK_ALERT_LINE_DEFAULTS = {
    name: (SQL("FALSE") if name == "stock_alert_shortage" else None if name.endswith("_date") else SQL("0"))
    for name in STOCK_ALERT_LINE_FIELDS
}

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

    # ---- Fields ----

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

    # ---- Business methods ----

    def _stock_alert_refresh(self, companies=None):
        """Recompute the ``stock_alert_*`` figures of ``self`` (or, with
        ``companies``, of every open line of these companies and every line of
        theirs that still carries figures) in one SQL statement, whatever the
        number of lines, and write only the rows whose figures changed. Returns
        the ids of the orders whose lines changed.

        Stock is read from the quants of the internal locations of each warehouse
        (so reservations held on a pick or pack step count, and no unit is counted
        twice), incoming stock from the open moves entering the warehouse from
        outside it by the line's promised date.
        """
        if companies is not None:
            scope = SQL("sol.company_id = ANY(%s) AND %s", companies.ids, self._stock_alert_open_scope_sql())
        elif self.ids:
            scope = SQL("sol.id = ANY(%s)", self.ids)
        else:
            return []
        self._stock_alert_flush_figure_sources()
        query = SQL(
            """
            UPDATE sale_order_line sol
               SET %(assign)s
              FROM (%(figures)s) n
             WHERE sol.id = n.id AND %(changed)s
         RETURNING sol.order_id
            """,
            assign=SQL(", ").join(
                SQL("%s = n.%s", SQL.identifier(name), SQL.identifier(column))
                for name, column in STOCK_ALERT_LINE_COLUMNS.items()
            ),
            figures=self._stock_alert_figures_sql(scope),
            changed=self._stock_alert_figures_changed_sql("sol", "n"),
        )
        order_ids = list({row[0] for row in self.env.execute_query(query)})
        self.env["sale.order.line"].invalidate_model(STOCK_ALERT_LINE_FIELDS)
        if order_ids:
            self.env["sale.order"].browse(order_ids)._stock_alert_update_at_risk()
        return order_ids

    def _stock_alert_shortages(self, confirm_date=None):
        """{line: (quantity short, next incoming date)} of the lines of ``self``
        short of stock, computed as the stored figures are but read only; with
        ``confirm_date``, as they will be once confirmed then (the order date of
        a confirmation), before their transfers reserve anything."""
        if not self.ids:
            return {}
        self._stock_alert_flush_figure_sources()
        rows = self.env.execute_query(
            SQL(
                "SELECT n.id, n.short, n.next_date FROM (%s) n WHERE n.short > 0 ORDER BY n.id",
                self._stock_alert_figures_sql(SQL("sol.id = ANY(%s)", self.ids), confirm_date=confirm_date),
            )
        )
        return {self.browse(line_id): (float(short), next_date) for line_id, short, next_date in rows}

    @api.model
    def _stock_alert_flush_figure_sources(self):
        """Flush what the figures read."""
        models_read = [
            "sale.order.line",
            "sale.order",
            "product.product",
            "product.template",
            "product.template.attribute.value",
            "uom.uom",
            "stock.quant",
            "stock.location",
            "stock.warehouse",
            "stock.move",
            "res.company",
            "mrp.bom",
            "mrp.bom.line",
        ]
        for name in models_read:
            if name in self.env:
                self.env[name].flush_model()

    @api.model
    def _stock_alert_figures_changed_sql(self, line, new):
        """The stored figures of ``line`` (a ``sale_order_line`` alias) differ
        from the computed ones of ``new`` (a row of the figures query)."""
        return SQL(
            "(%s) IS DISTINCT FROM (%s)",
            SQL(", ").join(
                SQL("COALESCE(%s, %s)", SQL.identifier(line, name), default)
                if default is not None
                else SQL.identifier(line, name)
                for name, default in STOCK_ALERT_LINE_DEFAULTS.items()
            ),
            SQL(", ").join(SQL.identifier(new, column) for column in STOCK_ALERT_LINE_COLUMNS.values()),
        )

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
    def _stock_alert_parts_sql(self):
        """(product_id, company_id, part_id, per_unit, is_kit): what one unit (of
        the product's unit) of each product of ``line`` takes from stock. A
        product is its own part; with ``mrp`` (which sales_plus does not depend
        on), a kit (see ``_stock_alert_kit_bom_sql``) takes its storable
        components, nested kits exploded, in the components' units, lines that do
        not apply to the variant skipped and components used on several lines
        summed."""
        if "mrp.bom" not in self.env:
            return SQL(
                """SELECT DISTINCT l.product_id, l.company_id, l.product_id AS part_id,
                          1.0::float AS per_unit, FALSE AS is_kit
                     FROM line l WHERE l.product_id IS NOT NULL"""
            )
        return SQL(
            """
            WITH RECURSIVE kit_bom AS (%(kit_bom)s),
            exploded(root_id, company_id, product_id, qty, depth) AS (
                SELECT kb.product_id, kb.company_id, kb.product_id, 1.0::float, 0
                  FROM kit_bom kb
                 WHERE (kb.product_id, kb.company_id) IN (SELECT product_id, company_id FROM line)
                 UNION ALL
                SELECT e.root_id, e.company_id, bl.product_id,
                       e.qty * bl.product_qty * kb.product_factor / kb.bom_factor / kb.bom_qty
                           * blu.factor / cu.factor,
                       e.depth + 1
                  FROM exploded e
                  JOIN kit_bom kb ON kb.product_id = e.product_id AND kb.company_id = e.company_id
                  JOIN mrp_bom_line bl ON bl.bom_id = kb.bom_id
                  JOIN uom_uom blu ON blu.id = bl.product_uom_id
                  JOIN product_product cp ON cp.id = bl.product_id
                  JOIN product_template ct ON ct.id = cp.product_tmpl_id
                  JOIN uom_uom cu ON cu.id = ct.uom_id
                 WHERE e.depth < 10
                   -- a line restricted to some variants: for each attribute it names,
                   -- the product must carry one of its values
                   AND NOT EXISTS (
                       SELECT 1
                         FROM mrp_bom_line_product_template_attribute_value_rel r
                         JOIN product_template_attribute_value v
                           ON v.id = r.product_template_attribute_value_id
                        WHERE r.mrp_bom_line_id = bl.id
                          AND NOT EXISTS (
                              SELECT 1
                                FROM mrp_bom_line_product_template_attribute_value_rel r2
                                JOIN product_template_attribute_value v2
                                  ON v2.id = r2.product_template_attribute_value_id
                                JOIN product_variant_combination pvc
                                  ON pvc.product_template_attribute_value_id = v2.id
                               WHERE r2.mrp_bom_line_id = bl.id
                                 AND v2.attribute_line_id = v.attribute_line_id
                                 AND pvc.product_product_id = e.product_id))
            )
            SELECT e.root_id AS product_id, e.company_id, e.product_id AS part_id,
                   SUM(e.qty) AS per_unit, TRUE AS is_kit
              FROM exploded e
              JOIN product_product pp ON pp.id = e.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.is_storable
             WHERE e.depth > 0
               AND NOT EXISTS (SELECT 1 FROM kit_bom kb
                                WHERE kb.product_id = e.product_id AND kb.company_id = e.company_id)
          GROUP BY e.root_id, e.company_id, e.product_id
            HAVING SUM(e.qty) > 0
             UNION ALL
            SELECT DISTINCT l.product_id, l.company_id, l.product_id, 1.0::float, FALSE
              FROM line l
             WHERE l.product_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM kit_bom kb
                                WHERE kb.product_id = l.product_id AND kb.company_id = l.company_id)
            """,
            kit_bom=self.env["sales_plus.stock.alert"]._stock_alert_kit_bom_sql(),
        )

    @api.model
    def _stock_alert_figures_sql(self, scope, confirm_date=None):
        """The figures of the lines of ``scope`` (a condition on ``sol`` / ``so``),
        one row per line (the columns of STOCK_ALERT_LINE_COLUMNS), rounded as
        stored. With ``confirm_date``: as if the orders were confirmed then.

        Every figure is computed per part of the line's product (itself, or the
        components of a kit) and brought back to the product: a kit counts as
        many whole kits as its scarcest component allows (Odoo's rule), and is
        short by what its most short component misses."""
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        return SQL(
            """
            WITH line AS (
                SELECT sol.id, sol.order_id, sol.product_id, sol.company_id, so.state,
                       COALESCE(sol.warehouse_id, so.warehouse_id) AS warehouse_id,
                       COALESCE(
                           so.commitment_date,
                           COALESCE(%(confirm_date)s::timestamp, so.date_order)
                               + COALESCE(sol.customer_lead, 0) * INTERVAL '1 day') AS promised,
                       lu.factor / pu.factor AS to_product,
                       CASE WHEN so.state = 'sale' THEN sol.product_uom_qty - sol.qty_delivered
                            ELSE sol.product_uom_qty END * lu.factor / pu.factor AS required,
                       COALESCE(sol.display_type IS NULL AND pt.type = 'consu'
                                AND (so.state IN ('draft', 'sent')
                                     OR (so.state = 'sale' AND sol.qty_delivered < sol.product_uom_qty)),
                                FALSE) AS open,
                       COALESCE(pt.is_storable, FALSE) AS is_storable
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
             LEFT JOIN product_product pp ON pp.id = sol.product_id
             LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN uom_uom lu ON lu.id = sol.product_uom_id
             LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE %(scope)s
            ),
            part AS (%(parts)s),
            line_part AS (
                -- a storable product, or a kit with storable components, on an open line
                SELECT l.*, p.part_id, p.per_unit, p.is_kit, pu.factor AS part_factor
                  FROM line l
                  JOIN part p ON p.product_id = l.product_id AND p.company_id = l.company_id
                  JOIN product_product pp ON pp.id = p.part_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE l.open AND (p.is_kit OR l.is_storable)
            ),
            product AS (
                SELECT DISTINCT part_id AS product_id FROM line_part
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
            incoming AS (%(incoming)s),
            part_incoming AS (
                SELECT lp.id, lp.part_id,
                       SUM(i.product_qty) FILTER (
                           WHERE i.warehouse_id = lp.warehouse_id AND i.date <= lp.promised) AS wh_in,
                       SUM(i.product_qty) FILTER (
                           WHERE i.crosses_company AND i.date <= lp.promised) AS company_in,
                       MIN(i.date) FILTER (WHERE i.warehouse_id = lp.warehouse_id) AS next_date
                  FROM line_part lp
                  JOIN incoming i ON i.product_id = lp.part_id AND i.company_id = lp.company_id
              GROUP BY lp.id, lp.part_id
            ),
            part_reserved AS (
                -- what the line's own moves hold (a kit's: its component moves)
                SELECT lp.id, lp.part_id, SUM(m.quantity * mu.factor / lp.part_factor) AS qty
                  FROM stock_move m
                  JOIN line_part lp ON lp.id = m.sale_line_id AND lp.part_id = m.product_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN stock_location sl ON sl.id = m.location_id
                 WHERE lp.state = 'sale'
                   AND m.state NOT IN ('draft', 'done', 'cancel') AND sl.usage = 'internal'
              GROUP BY lp.id, lp.part_id
            ),
            part_figures AS (
                -- per part, in units of the line's product
                SELECT lp.id, lp.is_kit, lp.to_product, lp.promised, lp.required, pi.next_date,
                       COALESCE(wq.on_hand, 0) / lp.per_unit AS on_hand,
                       COALESCE(wq.reserved, 0) / lp.per_unit AS reserved,
                       (COALESCE(wq.on_hand, 0) - COALESCE(wq.reserved, 0)) / lp.per_unit AS free,
                       COALESCE(pi.wh_in, 0) / lp.per_unit AS wh_in,
                       COALESCE(cq.on_hand, 0) / lp.per_unit AS company_on_hand,
                       COALESCE(cq.reserved, 0) / lp.per_unit AS company_reserved,
                       (COALESCE(cq.on_hand, 0) - COALESCE(cq.reserved, 0)) / lp.per_unit AS company_free,
                       COALESCE(pi.company_in, 0) / lp.per_unit AS company_in,
                       COALESCE(pr.qty, 0) / lp.per_unit AS line_reserved,
                       (COALESCE(pr.qty, 0) + GREATEST(COALESCE(wq.on_hand, 0) - COALESCE(wq.reserved, 0), 0)
                        + COALESCE(pi.wh_in, 0)) / lp.per_unit AS covered
                  FROM line_part lp
             LEFT JOIN wh_quant wq ON wq.product_id = lp.part_id AND wq.warehouse_id = lp.warehouse_id
             LEFT JOIN company_quant cq ON cq.product_id = lp.part_id AND cq.company_id = lp.company_id
             LEFT JOIN part_incoming pi ON pi.id = lp.id AND pi.part_id = lp.part_id
             LEFT JOIN part_reserved pr ON pr.id = lp.id AND pr.part_id = lp.part_id
            ),
            figures AS (
                -- a product: its own figures; a kit: as many kits as its scarcest part
                -- allows, whole kits (Odoo's rule), short by what its most short part misses
                SELECT f.id, f.to_product, f.promised,
                       %(kit_figures)s,
                       CASE WHEN BOOL_OR(f.is_kit)
                            THEN GREATEST(MAX(f.required) - FLOOR(MIN(f.covered) + 1e-9), 0)
                            ELSE GREATEST(MAX(f.required - f.covered), 0)
                       END AS short,
                       -- a kit short of stock: when its last short part is expected (none
                       -- when one of them is not expected at all)
                       CASE WHEN BOOL_OR(f.is_kit) AND BOOL_OR(f.required > f.covered)
                            THEN CASE WHEN BOOL_AND(f.next_date IS NOT NULL) FILTER (
                                               WHERE f.required > f.covered)
                                      THEN MAX(f.next_date) FILTER (WHERE f.required > f.covered) END
                            ELSE MIN(f.next_date)
                       END AS next_date
                  FROM part_figures f
              GROUP BY f.id, f.to_product, f.promised
            ),
            new AS (
                SELECT f.id,
                       ROUND((f.on_hand / f.to_product)::numeric, %(p)s) AS on_hand,
                       ROUND((f.reserved / f.to_product)::numeric, %(p)s) AS reserved,
                       ROUND((f.free / f.to_product)::numeric, %(p)s) AS free,
                       ROUND((f.wh_in / f.to_product)::numeric, %(p)s) AS incoming,
                       ROUND((f.company_on_hand / f.to_product)::numeric, %(p)s) AS company_on_hand,
                       ROUND((f.company_reserved / f.to_product)::numeric, %(p)s) AS company_reserved,
                       ROUND((f.company_free / f.to_product)::numeric, %(p)s) AS company_free,
                       ROUND((f.company_in / f.to_product)::numeric, %(p)s) AS company_incoming,
                       ROUND((f.line_reserved / f.to_product)::numeric, %(p)s) AS line_reserved,
                       ROUND((f.short / f.to_product)::numeric, %(p)s) AS short,
                       f.next_date, f.promised
                  FROM figures f
                 UNION ALL
                SELECT l.id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL
                  FROM line l
                 WHERE NOT EXISTS (SELECT 1 FROM figures f WHERE f.id = l.id)
            )
            SELECT new.*, new.short > 0 AS is_short FROM new
            """,
            scope=scope,
            confirm_date=confirm_date,
            parts=self._stock_alert_parts_sql(),
            incoming=self.env["sales_plus.stock.alert"]._stock_alert_warehouse_moves_sql(
                SQL("SELECT product_id FROM product")
            ),
            kit_figures=SQL(",\n").join(
                SQL(
                    "CASE WHEN BOOL_OR(f.is_kit) THEN FLOOR(MIN(f.%(name)s) + 1e-9) ELSE MIN(f.%(name)s) END"
                    " AS %(name)s",
                    name=SQL.identifier(name),
                )
                for name in (
                    "on_hand",
                    "reserved",
                    "free",
                    "wh_in",
                    "company_on_hand",
                    "company_reserved",
                    "company_free",
                    "company_in",
                    "line_reserved",
                )
            ),
            p=precision,
        )
