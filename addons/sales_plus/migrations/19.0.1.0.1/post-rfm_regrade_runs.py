# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.0 -> 19.0.1.0.1: the results of the last full regrade move from
the grading settings to the company's grading run (``sales_plus.rfm.regrade``,
created by the module's data with its job); the settings' columns of the
queue and the results are dropped. The earlier regrade cron of the settings
is deleted by data/rfm_data.xml."""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

MOVED = ("last_run_date", "last_run_bounds", "last_run_graded", "last_run_changed")
DROPPED = (*MOVED, "regrade_state", "regrade_requested_by_id", "regrade_requested_date")


def migrate(cr, version):
    if not column_exists(cr, "sales_plus_rfm_config", "last_run_bounds"):
        return
    # the dormancy settings of that run are the current ones: the next
    # nightly run schedules win-back activities as usual
    cr.execute(
        SQL(
            """
            UPDATE sales_plus_rfm_regrade r
               SET last_run_date = c.last_run_date,
                   last_run_bounds = c.last_run_bounds,
                   last_run_graded = c.last_run_graded,
                   last_run_changed = c.last_run_changed,
                   last_run_settings = jsonb_build_object('factor', c.dormancy_factor,
                                                          'ceiling_days', c.dormancy_ceiling_days)
              FROM sales_plus_rfm_config c
             WHERE c.company_id = r.company_id AND c.last_run_date IS NOT NULL AND r.last_run_date IS NULL
            """
        )
    )
    _logger.info("sales_plus: last full regrade of %s companies moved to their grading runs", cr.rowcount)
    for column in DROPPED:
        if column_exists(cr, "sales_plus_rfm_config", column):
            cr.execute(SQL("ALTER TABLE sales_plus_rfm_config DROP COLUMN %s", SQL.identifier(column)))
