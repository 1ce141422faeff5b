# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.1 -> 19.0.1.0.2: the price approvals to do show each order's
largest deviation, lowest approval margin and the date its open approval was
requested (new stored fields of sale.order). The columns are created and
filled here, in three statements, from the lines' stored figures and the open
price reviews, instead of by the ORM order by order at the update."""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if column_exists(cr, "sale_order", "price_approval_deviation"):
        return
    create_column(cr, "sale_order", "price_approval_deviation", "numeric")
    create_column(cr, "sale_order", "price_approval_margin", "numeric")
    create_column(cr, "sale_order", "price_approval_requested_date", "timestamp")
    cr.execute(
        SQL(
            """
            UPDATE sale_order o
               SET price_approval_deviation = COALESCE(f.deviation, 0),
                   price_approval_margin = COALESCE(f.margin, 0)
              FROM sale_order o2
              LEFT JOIN (SELECT order_id,
                                MAX(price_approval_deviation) AS deviation,
                                MIN(price_approval_margin) AS margin
                           FROM sale_order_line
                          WHERE price_approval_level > 0
                          GROUP BY order_id) f ON f.order_id = o2.id
             WHERE o2.id = o.id
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE sale_order o
               SET price_approval_requested_date = r.requested
              FROM (SELECT tr.res_id, MIN(tr.create_date) AS requested
                      FROM tier_review tr
                      JOIN tier_definition td ON td.id = tr.definition_id
                     WHERE tr.model = 'sale.order'
                       AND tr.status IN ('waiting', 'pending')
                       AND td.price_approval_level > 0
                     GROUP BY tr.res_id) r
             WHERE r.res_id = o.id
            """
        )
    )
    _logger.info("sales_plus: price approval figures of the orders filled (%s with an open request)", cr.rowcount)
