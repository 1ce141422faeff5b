# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Summary tables of the Sales Cockpit's money figures, maintained on write.

Three tables of sales_plus' own, each kept equal to what it summarises by
PostgreSQL triggers in the same transaction as the write, whatever writes it
(the ORM, a computed field's flush, an import, another module's SQL):

- ``sales_plus_cockpit_order_day``: confirmed orders per company, UTC day of
  the order date, salesperson and team: count, untaxed amount and margin in
  company currency (each order's own rate, as the live figures). Kept by
  difference: each statement on ``sale_order`` adds what its new rows count and
  takes off what its old rows counted.
- ``sales_plus_cockpit_move_day``: posted customer invoices and credit notes
  per company, day, salesperson, team and type: by invoice date (untaxed and
  taxed amounts) and, for invoices, by due date (what is still open, and the
  invoices not paid or partly paid and their open amount, for the collection
  rate and overdue receivables). Kept by
  difference from ``account_move``.
- ``sales_plus_cockpit_payment``: one row per payment matched with a posted
  customer invoice (``account.partial.reconcile`` whose credit side is a
  payment or a bank statement line), with the invoice's salesperson, team,
  due date and payment state. A statement on the partials, the invoices or
  their journal items recomputes the rows of the partials it touches.
- ``sales_plus_cockpit_payment_day``: those payments per day of the matching
  (collected) and per due date of the invoice (what payments settled of the
  invoices falling due), salesperson and team; kept by difference from
  ``sales_plus_cockpit_payment``.

Installed and filled by the module's install and upgrade (set-based SQL, see
:meth:`SalesPlusCockpitSummary.init`), emptied and filled again by an
administrator (Settings ▸ Sales Plus ▸ Rebuild the cockpit summaries), dropped by
the uninstall hook. The property test (tests/test_cockpit_summary.py) checks
after random sequences of writes that every table equals a recomputation from
scratch, figure by figure.
"""

import logging

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the version of the tables' definitions: another one drops and rebuilds them
VERSION = "sales_plus cockpit summary 4"

ORDER_DAY = "sales_plus_cockpit_order_day"
MOVE_DAY = "sales_plus_cockpit_move_day"
PAYMENT = "sales_plus_cockpit_payment"
PAYMENT_DAY = "sales_plus_cockpit_payment_day"
TABLES = (ORDER_DAY, MOVE_DAY, PAYMENT, PAYMENT_DAY)

# the tables kept by difference: their key, their figures (the first one counts
# the documents: a row whose count falls to zero is deleted), and what one
# source row adds (``%(sign)s`` 1 or -1, the row aliased ``r``)
DIFFERENCE_TABLES = {
    ORDER_DAY: {
        "source": "sale_order",
        "columns": """
            company_id integer NOT NULL, day date NOT NULL, user_id integer, team_id integer,
            orders bigint NOT NULL, revenue numeric NOT NULL, margin numeric NOT NULL
        """,
        "key": ("company_id", "day", "user_id", "team_id"),
        "conflict": "company_id, day, (COALESCE(user_id, 0)), (COALESCE(team_id, 0))",
        "figures": ("orders", "revenue", "margin"),
        "contributions": (
            """
            SELECT r.company_id, r.date_order::date AS day, r.user_id, r.team_id,
                   %(sign)s AS orders,
                   %(sign)s * COALESCE(r.amount_untaxed, 0)
                          / COALESCE(NULLIF(r.currency_rate, 0), 1) AS revenue,
                   %(sign)s * COALESCE(r.margin, 0) / COALESCE(NULLIF(r.currency_rate, 0), 1) AS margin
              FROM %(rows)s r
             WHERE r.state = 'sale' AND r.company_id IS NOT NULL AND r.date_order IS NOT NULL
            """,
        ),
    },
    MOVE_DAY: {
        "source": "account_move",
        "columns": """
            company_id integer NOT NULL, kind varchar NOT NULL, day date NOT NULL,
            invoice_user_id integer, team_id integer, move_type varchar NOT NULL,
            moves bigint NOT NULL, untaxed numeric NOT NULL, total numeric NOT NULL,
            residual numeric NOT NULL, overdue numeric NOT NULL, overdue_moves bigint NOT NULL
        """,
        "key": ("company_id", "kind", "day", "invoice_user_id", "team_id", "move_type"),
        "conflict": (
            "company_id, kind, day, (COALESCE(invoice_user_id, 0)), (COALESCE(team_id, 0)), move_type"
        ),
        "figures": ("moves", "untaxed", "total", "residual", "overdue", "overdue_moves"),
        "contributions": (
            # by invoice date: invoiced and credited
            """
            SELECT r.company_id, 'invoice' AS kind, r.invoice_date AS day, r.invoice_user_id, r.team_id,
                   r.move_type, %(sign)s AS moves,
                   %(sign)s * COALESCE(r.amount_untaxed_signed, 0) AS untaxed,
                   %(sign)s * COALESCE(r.amount_total_signed, 0) AS total,
                   0 AS residual, 0 AS overdue, 0 AS overdue_moves
              FROM %(rows)s r
             WHERE r.state = 'posted' AND r.move_type IN ('out_invoice', 'out_refund')
               AND r.company_id IS NOT NULL AND r.invoice_date IS NOT NULL
            """,
            # by due date: what is still open (collection rate) and open unpaid (overdue)
            """
            SELECT r.company_id, 'due' AS kind, r.invoice_date_due AS day, r.invoice_user_id, r.team_id,
                   r.move_type, %(sign)s AS moves, 0 AS untaxed, 0 AS total,
                   %(sign)s * COALESCE(r.amount_residual_signed, 0) AS residual,
                   %(sign)s * CASE WHEN r.payment_state IN ('not_paid', 'partial')
                                 THEN COALESCE(r.amount_residual_signed, 0) ELSE 0 END AS overdue,
                   %(sign)s * CASE WHEN r.payment_state IN ('not_paid', 'partial') THEN 1 ELSE 0 END
                       AS overdue_moves
              FROM %(rows)s r
             WHERE r.state = 'posted' AND r.move_type = 'out_invoice'
               AND r.company_id IS NOT NULL AND r.invoice_date_due IS NOT NULL
            """,
        ),
    },
    PAYMENT_DAY: {
        "source": PAYMENT,
        "columns": """
            partial_company_id integer, company_id integer, kind varchar NOT NULL, day date NOT NULL,
            invoice_user_id integer, team_id integer, move_type varchar,
            payments bigint NOT NULL, amount numeric NOT NULL
        """,
        "key": ("partial_company_id", "company_id", "kind", "day", "invoice_user_id", "team_id", "move_type"),
        "conflict": (
            "(COALESCE(partial_company_id, 0)), (COALESCE(company_id, 0)), kind, day, "
            "(COALESCE(invoice_user_id, 0)), (COALESCE(team_id, 0)), (COALESCE(move_type, ''))"
        ),
        "figures": ("payments", "amount"),
        "contributions": (
            # by the matching's date: collected
            """
            SELECT r.partial_company_id, r.company_id, 'collected' AS kind, r.day, r.invoice_user_id,
                   r.team_id, r.move_type, %(sign)s AS payments, %(sign)s * r.amount AS amount
              FROM %(rows)s r
             WHERE r.day IS NOT NULL
            """,
            # by the invoice's due date: what payments settled of the invoices falling due
            """
            SELECT r.partial_company_id, r.company_id, 'due_paid' AS kind, r.invoice_date_due AS day,
                   r.invoice_user_id, r.team_id, r.move_type, %(sign)s AS payments,
                   %(sign)s * r.amount AS amount
              FROM %(rows)s r
             WHERE r.invoice_date_due IS NOT NULL AND r.payment_state <> 'not_paid'
            """,
        ),
    },
}

PAYMENT_COLUMNS = """
    partial_id integer PRIMARY KEY, partial_company_id integer, day date,
    invoice_id integer NOT NULL, company_id integer, invoice_user_id integer, team_id integer,
    move_type varchar, invoice_date_due date, payment_state varchar, amount numeric NOT NULL
"""
PAYMENT_FIELDS = (
    "partial_id",
    "partial_company_id",
    "day",
    "invoice_id",
    "company_id",
    "invoice_user_id",
    "team_id",
    "move_type",
    "invoice_date_due",
    "payment_state",
    "amount",
)
# the columns of an invoice and of a journal item the payment rows depend on
PAYMENT_MOVE_COLUMNS = (
    "state",
    "move_type",
    "company_id",
    "invoice_user_id",
    "team_id",
    "invoice_date_due",
    "payment_state",
)
PAYMENT_LINE_COLUMNS = ("move_id", "parent_state", "payment_id", "statement_line_id")


class SalesPlusCockpitSummary(models.AbstractModel):
    _name = "sales_plus.cockpit.summary"
    _description = "Sales Cockpit Summaries"

    # ---- Definitions ----

    def _contributions_sql(self, table, rows, sign):
        """What the rows of ``rows`` (a table or transition table) add to
        ``table``, one row each (``sign`` -1: what they take off)."""
        spec = DIFFERENCE_TABLES[table]
        return SQL(" UNION ALL ").join(
            SQL(part, rows=SQL.identifier(rows), sign=sign) for part in spec["contributions"]
        )

    def _aggregate_sql(self, table, contributions):
        """``contributions`` summed by the key of ``table``; no row that would
        change nothing."""
        spec = DIFFERENCE_TABLES[table]
        key = self._columns(spec["key"])
        sums = SQL(", ").join(
            SQL("SUM(%s) AS %s", SQL.identifier("c", figure), SQL.identifier(figure))
            for figure in spec["figures"]
        )
        changes = SQL(" OR ").join(
            SQL("SUM(%s) <> 0", SQL.identifier("c", figure)) for figure in spec["figures"]
        )
        return SQL(
            "SELECT %(key)s, %(sums)s FROM (%(contributions)s) c GROUP BY %(key)s HAVING %(changes)s",
            key=key,
            sums=sums,
            contributions=contributions,
            changes=changes,
        )

    def _columns(self, names, alias=None):
        return SQL(", ").join(SQL.identifier(*([alias] if alias else []), name) for name in names)

    def _payment_select_sql(self, condition):
        """The rows of ``sales_plus_cockpit_payment`` of the partials matching
        ``condition`` (on ``partial``), from the documents: "collected" as
        sales_plus.cockpit._payment_sql defines it."""
        payment = self.env["sales_plus.cockpit"]._payment_sql("pay_line")
        return SQL(
            """
            SELECT partial.id, partial.company_id, partial.max_date, inv.id, inv.company_id,
                   inv.invoice_user_id, inv.team_id, inv.move_type, inv.invoice_date_due,
                   inv.payment_state, partial.amount
              FROM account_partial_reconcile partial
              JOIN account_move_line inv_line ON inv_line.id = partial.debit_move_id
              JOIN account_move inv ON inv.id = inv_line.move_id
              JOIN account_move_line pay_line ON pay_line.id = partial.credit_move_id
             WHERE inv.move_type = 'out_invoice' AND inv.state = 'posted'
               AND %s AND %s
            """,
            payment,
            condition,
        )

    def _text(self, sql):
        """``sql`` as the text of a function body (its parameters inlined)."""
        return self.env.cr.mogrify(sql.code, sql.params).decode()

    def _create_function(self, name, arguments, returns, body):
        """CREATE OR REPLACE a PL/pgSQL function whose body is ``body`` (SQL),
        passed as the string constant it is."""
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE FUNCTION %s(%s) RETURNS %s LANGUAGE plpgsql AS %s",
                SQL.identifier(name),
                SQL(arguments),
                SQL(returns),
                self._text(body),
            )
        )

    # ---- Install, upgrade, rebuild, uninstall ----

    def init(self):
        """Create the tables, their triggers and functions; fill the tables
        when they are new (install, or a new VERSION)."""
        cr = self.env.cr
        current = None
        if all(self._table_exists(table) for table in TABLES):
            cr.execute("SELECT obj_description(%s::regclass, 'pg_class')", [ORDER_DAY])
            current = cr.fetchone()[0]
        if current != VERSION:
            self._drop()
            self._create_tables()
            self._create_triggers()
            self._fill()
            _logger.info("sales_plus: cockpit summary tables created and filled")
        else:
            self._create_triggers()

    def _table_exists(self, table):
        self.env.cr.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return self.env.cr.fetchone()[0]

    def _create_tables(self):
        cr = self.env.cr
        for table, spec in DIFFERENCE_TABLES.items():
            count = SQL.identifier(spec["figures"][0])
            cr.execute(SQL("CREATE TABLE %s (%s)", SQL.identifier(table), SQL(spec["columns"])))
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (%s)",
                    SQL.identifier(f"{table}_key"),
                    SQL.identifier(table),
                    SQL(spec["conflict"]),
                )
            )
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (%s) WHERE %s = 0",
                    SQL.identifier(f"{table}_empty"),
                    SQL.identifier(table),
                    count,
                    count,
                )
            )
        cr.execute(SQL("CREATE TABLE %s (%s)", SQL.identifier(PAYMENT), SQL(PAYMENT_COLUMNS)))
        for name, columns in (
            ("by_day", ("partial_company_id", "day")),
            ("by_due", ("company_id", "invoice_date_due")),
            ("by_invoice", ("invoice_id",)),
        ):
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (%s)",
                    SQL.identifier(f"{PAYMENT}_{name}"),
                    SQL.identifier(PAYMENT),
                    self._columns(columns),
                )
            )
        for table in TABLES:
            cr.execute(SQL("COMMENT ON TABLE %s IS %s", SQL.identifier(table), VERSION))

    def _create_triggers(self):
        """(Re)create the trigger functions and the triggers (idempotent)."""
        for table, spec in DIFFERENCE_TABLES.items():
            upsert = self._upsert_sql
            inserted = self._aggregate_sql(table, self._contributions_sql(table, "new_rows", 1))
            deleted = self._aggregate_sql(table, self._contributions_sql(table, "old_rows", -1))
            updated = self._aggregate_sql(
                table,
                SQL(
                    "%s UNION ALL %s",
                    self._contributions_sql(table, "new_rows", 1),
                    self._contributions_sql(table, "old_rows", -1),
                ),
            )
            function = f"{table}_sync"
            self._create_function(
                function,
                "",
                "trigger",
                SQL(
                    """
                    BEGIN
                        IF TG_OP = 'INSERT' THEN %s
                        ELSIF TG_OP = 'DELETE' THEN %s
                        ELSE %s
                        END IF;
                        RETURN NULL;
                    END
                    """,
                    upsert(table, inserted),
                    upsert(table, deleted),
                    upsert(table, updated),
                ),
            )
            self._statement_triggers(spec["source"], table, function)
        # the payment rows: recomputed for the partials a statement touches
        payment = SQL.identifier(PAYMENT)
        refresh = f"{PAYMENT}_refresh"
        self._create_function(
            refresh,
            "partial_ids integer[]",
            "void",
            SQL(
                """
                BEGIN
                    DELETE FROM %(table)s WHERE partial_id = ANY(partial_ids);
                    INSERT INTO %(table)s (%(fields)s) %(select)s;
                END
                """,
                table=payment,
                fields=self._columns(PAYMENT_FIELDS),
                select=self._payment_select_sql(SQL("partial.id = ANY(partial_ids)")),
            ),
        )

        def changed(columns):
            return SQL(" OR ").join(
                SQL("%s IS DISTINCT FROM %s", SQL.identifier("n", column), SQL.identifier("o", column))
                for column in columns
            )

        refresh_call = SQL.identifier(refresh)
        self._create_function(
            f"{PAYMENT}_sync_partial",
            "",
            "trigger",
            SQL(
                """
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        PERFORM %(refresh)s(ARRAY(SELECT id FROM new_rows));
                    ELSIF TG_OP = 'DELETE' THEN
                        PERFORM %(refresh)s(ARRAY(SELECT id FROM old_rows));
                    ELSE
                        PERFORM %(refresh)s(ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
                    END IF;
                    RETURN NULL;
                END
                """,
                refresh=refresh_call,
            ),
        )
        self._create_function(
            f"{PAYMENT}_sync_move",
            "",
            "trigger",
            SQL(
                """
                BEGIN
                    PERFORM %(refresh)s(ARRAY(
                        SELECT partial.id
                          FROM new_rows n
                          JOIN old_rows o ON o.id = n.id
                          JOIN account_move_line line ON line.move_id = n.id
                          JOIN account_partial_reconcile partial ON partial.debit_move_id = line.id
                         WHERE %(changed)s
                    ));
                    RETURN NULL;
                END
                """,
                refresh=refresh_call,
                changed=changed(PAYMENT_MOVE_COLUMNS),
            ),
        )
        self._create_function(
            f"{PAYMENT}_sync_line",
            "",
            "trigger",
            SQL(
                """
                DECLARE
                    line_ids integer[] := ARRAY(
                        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE %(changed)s
                    );
                BEGIN
                    IF cardinality(line_ids) > 0 THEN
                        PERFORM %(refresh)s(ARRAY(
                            SELECT id FROM account_partial_reconcile WHERE debit_move_id = ANY(line_ids)
                             UNION
                            SELECT id FROM account_partial_reconcile WHERE credit_move_id = ANY(line_ids)
                        ));
                    END IF;
                    RETURN NULL;
                END
                """,
                refresh=refresh_call,
                changed=changed(PAYMENT_LINE_COLUMNS),
            ),
        )
        self._statement_triggers("account_partial_reconcile", PAYMENT, f"{PAYMENT}_sync_partial")
        self._statement_triggers("account_move", f"{PAYMENT}_move", f"{PAYMENT}_sync_move", ("UPDATE",))
        self._statement_triggers("account_move_line", f"{PAYMENT}_line", f"{PAYMENT}_sync_line", ("UPDATE",))

    def _upsert_sql(self, table, select):
        """Add the differences ``select`` gives to ``table``, by key; delete
        the rows whose count falls to zero."""
        spec = DIFFERENCE_TABLES[table]
        figures = spec["figures"]
        update = SQL(", ").join(
            SQL("%s = %s + EXCLUDED.%s", SQL.identifier(f), SQL.identifier("s", f), SQL.identifier(f))
            for f in figures
        )
        return SQL(
            "INSERT INTO %(table)s AS s (%(columns)s) %(select)s "
            "ON CONFLICT (%(conflict)s) DO UPDATE SET %(update)s; "
            "DELETE FROM %(table)s WHERE %(count)s = 0;",
            table=SQL.identifier(table),
            columns=self._columns((*spec["key"], *figures)),
            select=select,
            conflict=SQL(spec["conflict"]),
            update=update,
            count=SQL.identifier(figures[0]),
        )

    def _statement_triggers(self, source, name, function, events=("INSERT", "UPDATE", "DELETE")):
        """One AFTER ... FOR EACH STATEMENT trigger per event (a trigger with
        transition tables has one event) on ``source``."""
        transitions = {
            "INSERT": "REFERENCING NEW TABLE AS new_rows",
            "UPDATE": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
            "DELETE": "REFERENCING OLD TABLE AS old_rows",
        }
        for event in events:
            trigger = SQL.identifier(f"{name}_{event.lower()}")
            self.env.cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", trigger, SQL.identifier(source)))
            self.env.cr.execute(
                SQL(
                    "CREATE TRIGGER %s AFTER %s ON %s %s FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                    trigger,
                    SQL(event),
                    SQL.identifier(source),
                    SQL(transitions[event]),
                    SQL.identifier(function),
                )
            )

    def _fill(self):
        """Fill the empty tables from the documents, in set-based SQL."""
        cr = self.env.cr
        for table, spec in DIFFERENCE_TABLES.items():
            if spec["source"] == PAYMENT:
                continue  # filled by the trigger on the payment rows, below
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) %s",
                    SQL.identifier(table),
                    self._columns((*spec["key"], *spec["figures"])),
                    self._aggregate_sql(table, self._contributions_sql(table, spec["source"], 1)),
                )
            )
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) %s",
                SQL.identifier(PAYMENT),
                self._columns(PAYMENT_FIELDS),
                self._payment_select_sql(SQL("TRUE")),
            )
        )
        for table in TABLES:
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def _drop(self):
        """Drop the triggers, their functions and the tables (uninstall)."""
        cr = self.env.cr
        for table in TABLES:
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        for function in (
            f"{ORDER_DAY}_sync",
            f"{MOVE_DAY}_sync",
            f"{PAYMENT_DAY}_sync",
            f"{PAYMENT}_sync_partial",
            f"{PAYMENT}_sync_move",
            f"{PAYMENT}_sync_line",
        ):
            cr.execute(SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(function)))
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s(integer[])", SQL.identifier(f"{PAYMENT}_refresh")))

    @api.model
    def _rebuild(self):
        """Empty the tables and fill them again from the documents, the
        documents locked against writes meanwhile (an administrator's action)."""
        if not self.env.is_admin():
            raise AccessError(self.env._("Only an administrator can rebuild the cockpit summaries."))
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            "LOCK TABLE sale_order, account_move, account_move_line, account_partial_reconcile IN SHARE MODE"
        )
        cr.execute(SQL("TRUNCATE %s", self._columns(TABLES)))
        self._fill()

    # ---- Checks ----

    def _differences(self):
        """What differs between each table and a recomputation from scratch:
        ``{table: [rows in one and not the other]}`` (empty when equal). Read
        by the property test."""
        cr = self.env.cr
        self.env.flush_all()
        result = {}
        recomputed = {
            table: (
                self._columns((*spec["key"], *spec["figures"])),
                self._aggregate_sql(table, self._contributions_sql(table, spec["source"], 1)),
            )
            for table, spec in DIFFERENCE_TABLES.items()
        }
        recomputed[PAYMENT] = (self._columns(PAYMENT_FIELDS), self._payment_select_sql(SQL("TRUE")))
        for table, (columns, expected) in recomputed.items():
            cr.execute(
                SQL(
                    """
                    (SELECT 'table', %(columns)s FROM %(table)s
                     EXCEPT ALL SELECT 'table', * FROM (%(expected)s) e)
                    UNION ALL
                    (SELECT 'documents', * FROM (%(expected)s) e
                     EXCEPT ALL SELECT 'documents', %(columns)s FROM %(table)s)
                    """,
                    columns=columns,
                    table=SQL.identifier(table),
                    expected=expected,
                )
            )
            result[table] = cr.fetchall()
        return result
