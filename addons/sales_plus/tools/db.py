# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Transaction-level PostgreSQL helpers: advisory locks and query settings.

Every sales_plus lock and every change of a PostgreSQL setting goes through
these two functions, so each mechanism is written once.
"""

from odoo.tools import SQL

# first keys of pg_try_advisory_xact_lock(class, object id): one per job
LOCK_PRICE_DECISION = 190_404  # an approver decides on a sale order
LOCK_RFM_REGRADE = 190_405  # a company's customers are regraded
LOCK_STOCK_ALERT_SCAN = 190_406  # a company's stock alerts are scanned
LOCK_PRICE_REVIEW = 190_407  # a price approval review is changed

DEFAULT_WORK_MEM = "16MB"


def try_lock(env, lock_class, object_id):
    """Take a transaction-level advisory lock on (``lock_class``, ``object_id``)
    without waiting; True when taken. It is released at the end of the
    transaction and never locks a row."""
    return env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", lock_class, object_id))[0][0]


def tune_transaction(env, work_mem=DEFAULT_WORK_MEM):
    """Settings of the current transaction only (they end with it) for large
    aggregates: no JIT compilation (it costs more than it saves on statements of
    a few hundred milliseconds) and ``work_mem`` raised so their sorts and hashes
    do not spill to disk (never lowered)."""
    env.execute_query(
        SQL(
            """
            SELECT set_config('jit', 'off', true),
                   CASE WHEN pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(%(memory)s)
                        THEN set_config('work_mem', %(memory)s, true) END
            """,
            memory=work_mem,
        )
    )
