# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..services import local_date, rfm
from ..tools import tune_transaction

_logger = logging.getLogger(__name__)

# the columns a regrade writes, compared with IS DISTINCT FROM to write only changes
GRADE_COLUMNS = (
    "user_id",
    "team_id",
    "last_order_date",
    "frequency",
    "monetary",
    "median_gap_days",
    "r_score",
    "f_score",
    "m_score",
    "segment_id",
    "abc_class",
    "is_dormant",
)
# the fields the grading statement reads (flushed before it runs), and the
# grades and history it writes
STATEMENT_READS = {
    "sale.order": [
        "partner_id",
        "company_id",
        "state",
        "date_order",
        "currency_id",
        "currency_rate",
        "amount_untaxed",
    ],
    "res.partner": ["commercial_partner_id", "active", "user_id"],
    "res.users": ["active", "sale_team_id", "company_ids"],
    "crm.team": ["active", "company_id", "user_id", "sequence"],
    "crm.team.member": ["active", "user_id", "crm_team_id"],
    "res.currency.rate": ["currency_id", "company_id", "name", "rate"],
    "account.move": [
        "commercial_partner_id",
        "company_id",
        "move_type",
        "state",
        "invoice_date",
        "amount_untaxed_signed",
    ],
    "sales_plus.rfm.segment": [
        "active",
        "no_recent_purchase",
        "company_id",
        "sequence",
        "r_min",
        "r_max",
        "f_min",
        "f_max",
        "m_min",
        "m_max",
        "notify_salesperson",
    ],
    "mail.activity": ["res_model", "res_id", "activity_type_id", "active"],
    "sales_plus.rfm.grade": None,
    "sales_plus.rfm.history": None,
}
# the customers listed by name in one notice to a salesperson (the others counted)
NOTICE_LINES = 50


class SalesPlusRfmGrade(models.Model):
    _name = "sales_plus.rfm.grade"
    _description = "Customer Grade (RFM)"
    _order = "company_id, monetary desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    # written by the regrade only, in bulk; ``graded_on`` says when a grade last
    # changed. No create/write uid/date: two foreign keys checked per row less
    # on the first full regrade (the checks dominate its time)
    _log_access = False

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)",
        "A customer has one grade per company.",
    )
    _company_segment_idx = models.Index("(company_id, segment_id)")

    # ---- Fields ----

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        readonly=True,
        index=True,
        check_company=True,
        help="The sales team of the customer's salesperson in the grade's company: their main "
        "team when it is one of this company's, else another team of this company they are a "
        "member or the leader of.",
    )
    last_order_date = fields.Date(readonly=True)
    recency_days = fields.Integer(
        string="Recency (days)",
        compute="_compute_recency_days",
        help="Days since the last confirmed order, today in the company's timezone.",
    )
    frequency = fields.Integer(readonly=True, aggregator="sum", help="Confirmed orders in the window.")
    monetary = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Untaxed amount of the confirmed orders of the window in company currency, "
        "net of posted credit notes when so configured.",
    )
    median_gap_days = fields.Float(
        string="Median Gap (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The customer's own median number of days between two orders.",
    )
    r_score = fields.Integer(string="R", readonly=True, aggregator="avg")
    f_score = fields.Integer(string="F", readonly=True, aggregator="avg")
    m_score = fields.Integer(string="M", readonly=True, aggregator="avg")
    segment_id = fields.Many2one(
        comodel_name="sales_plus.rfm.segment",
        readonly=True,
        index=True,
        # a segment in use cannot be deleted (see the segment); when the module
        # is uninstalled its default segments go before the grades table does
        ondelete="set null",
    )
    segment_color = fields.Integer(related="segment_id.color")
    abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC",
        readonly=True,
    )
    is_dormant = fields.Boolean(string="Dormant", readonly=True)
    dormancy = fields.Selection(
        selection=[("dormant", "Dormant")],
        compute="_compute_dormancy",
        help="A dormant customer's badge in the lists (the days since their last order exceed their "
        "own rhythm, or the ceiling of the grading settings).",
    )
    graded_on = fields.Datetime(readonly=True, help="When this grade last changed.")
    history_ids = fields.One2many(
        comodel_name="sales_plus.rfm.history",
        compute="_compute_history_ids",
        string="Segment History",
    )

    # ---- Compute methods ----

    @api.depends("last_order_date", "company_id")
    @api.depends_context("company")
    def _compute_recency_days(self):
        for grade in self:
            today = grade.company_id._sales_plus_rfm_today() if grade.company_id else fields.Date.today()
            grade.recency_days = (today - grade.last_order_date).days if grade.last_order_date else 0

    @api.depends("is_dormant")
    def _compute_dormancy(self):
        for grade in self:
            grade.dormancy = "dormant" if grade.is_dormant else False

    def _compute_history_ids(self):
        histories = self.env["sales_plus.rfm.history"].search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        for grade in self:
            grade.history_ids = histories.filtered(
                lambda h, g=grade: h.partner_id == g.partner_id and h.company_id == g.company_id
            )

    # ---- Action methods ----

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {"create": False}
        return action

    # ---- Business methods: grading ----

    @api.model
    def _regrade_company(self, company, raise_if_locked=True):
        """Grade every customer of ``company`` now; see
        ``sales_plus.rfm.regrade``, which owns the runs (kept for the callers
        that only know the grades: demo data, benchmarks)."""
        return self.env["sales_plus.rfm.regrade"]._regrade_company(company, raise_if_locked=raise_if_locked)

    def _regrade_partners(self, partners, company):
        """Regrade ``partners`` in ``company`` against the last full run's
        boundaries; see ``sales_plus.rfm.regrade``."""
        return self.env["sales_plus.rfm.regrade"]._regrade_partners(partners, company)

    def _rfm_run(self, company, config, scores, partner_ids=None, win_back_cap=None):
        """Compute, compare and write the grades of ``company`` in one statement,
        then schedule the win-back activities and tell the salespeople of the
        moves into watched segments. Runs as superuser.

        ``config`` holds the settings (read once by the caller). ``scores`` is
        ``("ntile", None)`` (quintiles over the company's graded customers, with
        the ABC Pareto) or ``("bounds", {...})`` (boundaries of scores 2-5 per
        dimension; with ``partner_ids``, ABC from the boundaries of the last
        run). ``partner_ids`` limits the run to these commercial partners.
        ``win_back_cap``: the most win-back activities per responsible, the
        others summed up in one notice; ``None`` (a first grading, or one after
        the settings changed) schedules none, only the notice.
        """
        self._rfm_flush()
        now = fields.Datetime.now()
        today = company._sales_plus_rfm_today()
        cap = 0 if win_back_cap is None else win_back_cap
        statement = self._rfm_statement(company, config, scores, partner_ids, today, now, cap)
        # PostgreSQL's JIT spends seconds compiling this statement for nothing
        # (its row estimates of the CTEs are far too high): off for this transaction
        tune_transaction(self.env)
        row = self.env.execute_query_dict(statement)[0]
        self._rfm_invalidate()
        activities = self._rfm_schedule_win_back(company, row["win_back"] or [], win_back_cap, today)
        self._rfm_notify(company, row["notify"] or [])
        return {
            "graded": row["graded"],
            "changed": row["changed"],
            "removed": row["removed"],
            "dormant": sum(total for _user, total, _ids in row["win_back"] or []),
            "activities": len(activities),
            "bounds": row["bounds"],
        }

    @api.model
    def _rfm_flush(self):
        """Flush the fields the statement reads, and the grades it writes."""
        for model, fnames in STATEMENT_READS.items():
            self.env[model].flush_model(fnames)

    @api.model
    def _rfm_invalidate(self):
        """Forget the cached grades, their history and what is computed from
        them: the statement wrote them."""
        self.invalidate_model()
        self.env["sales_plus.rfm.history"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["rfm_grade_id", "rfm_segment_id", "rfm_abc_class", "rfm_is_dormant", "rfm_last_regrade"]
        )
        self.env["sale.order"].invalidate_model(["rfm_segment_id", "rfm_segment_color", "rfm_abc_class"])

    # ---- Business methods: the statement ----

    def _rfm_statement(self, company, config, scores, partner_ids, today, now, win_back_cap):
        window_start = fields.Date.subtract(today, days=config.window_days)
        tz = company._sales_plus_rfm_tz()
        partner_filter = SQL("TRUE")
        grade_filter = SQL("TRUE")
        if partner_ids is not None:
            partner_filter = SQL("p.commercial_partner_id = ANY(%s)", partner_ids)
            grade_filter = SQL("g.partner_id = ANY(%s)", partner_ids)
        refunds = SQL("SELECT NULL::integer AS partner_id, 0::numeric AS refund WHERE FALSE")
        if config.net_credit_notes:
            refunds = SQL(
                """
                SELECT m.commercial_partner_id AS partner_id, SUM(m.amount_untaxed_signed) AS refund
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.commercial_partner_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_refund'
                   AND m.state = 'posted'
                   AND m.invoice_date > %(start)s
                   AND m.invoice_date <= %(today)s
                   AND %(partner_filter)s
                 GROUP BY m.commercial_partner_id
                """,
                company=company.id,
                start=window_start,
                today=today,
                partner_filter=partner_filter,
            )
        scored = self._rfm_scored_sql(scores, partner_ids is not None, config)
        activity_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_plus.mail_activity_type_sales_plus_win_back"
        )
        columns = SQL(", ").join(SQL.identifier(column) for column in GRADE_COLUMNS)
        new_columns = SQL(", ").join(SQL.identifier("f", column) for column in GRADE_COLUMNS)
        old_columns = SQL(", ").join(SQL.identifier("g", column) for column in GRADE_COLUMNS)
        compared_columns = SQL(", ").join(SQL.identifier("c", column) for column in GRADE_COLUMNS)
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(column), SQL.identifier("c", column)) for column in GRADE_COLUMNS
        )
        return SQL(
            """
            WITH orders AS (
                SELECT p.commercial_partner_id AS partner_id,
                       %(order_date)s AS order_date,
                       CASE WHEN o.currency_id = %(currency)s THEN o.amount_untaxed
                            WHEN o.currency_rate > 0 THEN o.amount_untaxed / o.currency_rate::numeric
                            ELSE o.amount_untaxed / COALESCE((
                                -- no rate stored on the order: the nearest earlier rate
                                SELECT r.rate::numeric
                                  FROM res_currency_rate r
                                 WHERE r.currency_id = o.currency_id
                                   AND (r.company_id = o.company_id OR r.company_id IS NULL)
                                   AND r.name <= o.date_order::date
                                 ORDER BY r.company_id IS NULL, r.name DESC
                                 LIMIT 1), 1.0)
                       END AS amount
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.company_id = %(company)s
                   AND o.state = 'sale'
                   AND %(partner_filter)s
            ),
            gaps AS (
                SELECT partner_id, order_date, amount,
                       NULLIF(order_date - LAG(order_date) OVER (PARTITION BY partner_id
                                                                 ORDER BY order_date), 0) AS gap
                  FROM orders
            ),
            per_partner AS (
                SELECT partner_id,
                       MAX(order_date) AS last_order_date,
                       COUNT(*) FILTER (WHERE order_date > %(start)s) AS frequency,
                       COALESCE(SUM(amount) FILTER (WHERE order_date > %(start)s), 0) AS amount,
                       -- the filter spares customers with a single order date the sort
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE gap IS NOT NULL)
                           AS median_gap
                  FROM gaps
                 GROUP BY partner_id
            ),
            refunds AS (%(refunds)s),
            user_team AS (
                -- the sales team of each salesperson in the company (a team of the
                -- company, else one shared by all companies): their main team, else
                -- the first other team they are a member of, else one they lead
                SELECT DISTINCT ON (x.user_id) x.user_id, x.team_id
                  FROM (SELECT m.user_id, m.crm_team_id AS team_id, FALSE AS led
                          FROM crm_team_member m
                         WHERE m.active
                        UNION ALL
                        SELECT t.user_id, t.id, TRUE FROM crm_team t WHERE t.user_id IS NOT NULL) x
                  JOIN crm_team t ON t.id = x.team_id AND t.active
                   AND (t.company_id = %(company)s OR t.company_id IS NULL)
                  JOIN res_users u ON u.id = x.user_id
                 ORDER BY x.user_id, t.company_id IS NULL, t.id IS DISTINCT FROM u.sale_team_id, x.led,
                          t.sequence, t.id
            ),
            base AS (
                SELECT pp.partner_id, p.user_id, ut.team_id, pp.last_order_date,
                       %(today)s - pp.last_order_date AS recency,
                       pp.frequency::integer AS frequency,
                       ROUND(pp.amount + COALESCE(rf.refund, 0), %(digits)s) AS monetary,
                       ROUND(pp.median_gap::numeric, 1)::double precision AS median_gap_days
                  FROM per_partner pp
                  JOIN res_partner p ON p.id = pp.partner_id AND p.active
                  LEFT JOIN user_team ut ON ut.user_id = p.user_id
                  LEFT JOIN refunds rf ON rf.partner_id = pp.partner_id
            ),
            %(scored)s,
            segment_map AS (
                -- the first segment (by sequence) holding each of the 125 score triples
                SELECT DISTINCT ON (r.s, f.s, m.s) r.s AS r, f.s AS f, m.s AS m, sg.id AS segment_id
                  FROM generate_series(1, 5) r(s)
                 CROSS JOIN generate_series(1, 5) f(s)
                 CROSS JOIN generate_series(1, 5) m(s)
                  JOIN sales_plus_rfm_segment sg
                    ON sg.active AND NOT COALESCE(sg.no_recent_purchase, FALSE)
                   AND (sg.company_id IS NULL OR sg.company_id = %(company)s)
                   AND r.s BETWEEN sg.r_min AND sg.r_max
                   AND f.s BETWEEN sg.f_min AND sg.f_max
                   AND m.s BETWEEN sg.m_min AND sg.m_max
                 ORDER BY r.s, f.s, m.s, sg.sequence, sg.id
            ),
            no_recent AS (
                SELECT sg.id FROM sales_plus_rfm_segment sg
                 WHERE sg.active AND sg.no_recent_purchase
                   AND (sg.company_id IS NULL OR sg.company_id = %(company)s)
                 ORDER BY sg.sequence, sg.id
                 LIMIT 1
            ),
            final AS (
                SELECT s.partner_id, s.user_id, s.team_id, s.last_order_date, s.frequency, s.monetary,
                       s.median_gap_days, s.r_score, s.f_score, s.m_score,
                       CASE WHEN s.frequency > 0 THEN sm.segment_id ELSE (SELECT id FROM no_recent) END
                           AS segment_id,
                       s.abc_class,
                       (COALESCE(s.median_gap_days, 0) > 0 AND s.recency > %(factor)s * s.median_gap_days)
                           OR (%(ceiling)s > 0 AND s.recency > %(ceiling)s) AS is_dormant
                  FROM scored s
                  LEFT JOIN segment_map sm ON sm.r = s.r_score AND sm.f = s.f_score AND sm.m = s.m_score
            ),
            compared AS (
                -- one join of the new grades with the stored ones, keeping only the
                -- new, the changed and the gone (nothing when nothing changed)
                SELECT f.*, g.id AS grade_id, g.segment_id AS old_segment_id, g.is_dormant AS old_dormant
                  FROM final f
                  FULL JOIN (SELECT * FROM sales_plus_rfm_grade g
                              WHERE g.company_id = %(company)s AND %(grade_filter)s) g
                    ON g.partner_id = f.partner_id
                 WHERE g.id IS NULL OR f.partner_id IS NULL
                    OR (%(old_columns)s) IS DISTINCT FROM (%(new_columns)s)
            ),
            updated AS (
                UPDATE sales_plus_rfm_grade g
                   SET %(assignments)s, graded_on = %(now)s
                  FROM compared c
                 WHERE g.id = c.grade_id AND c.partner_id IS NOT NULL
             RETURNING g.id, g.partner_id, g.user_id, g.segment_id, c.old_segment_id,
                       g.is_dormant, c.old_dormant, g.r_score, g.f_score, g.m_score,
                       g.frequency, g.monetary, g.team_id
            ),
            inserted AS (
                INSERT INTO sales_plus_rfm_grade (partner_id, company_id, %(columns)s, graded_on)
                SELECT c.partner_id, %(company)s, %(compared_columns)s, %(now)s
                  FROM compared c
                 WHERE c.grade_id IS NULL
             RETURNING id, partner_id, user_id, segment_id, NULL::integer AS old_segment_id,
                       is_dormant, FALSE AS old_dormant, r_score, f_score, m_score,
                       frequency, monetary, team_id
            ),
            removed AS (
                -- customers no longer graded: archived, or without any confirmed order
                DELETE FROM sales_plus_rfm_grade g
                 USING compared c
                 WHERE g.id = c.grade_id AND c.partner_id IS NULL
             RETURNING g.id
            ),
            changed AS (
                SELECT * FROM updated UNION ALL SELECT * FROM inserted
            ),
            history AS (
                INSERT INTO sales_plus_rfm_history
                       (partner_id, company_id, user_id, team_id, date, old_segment_id, new_segment_id,
                        r_score, f_score, m_score, frequency, monetary)
                SELECT c.partner_id, %(company)s, c.user_id, c.team_id, %(now)s,
                       c.old_segment_id, c.segment_id,
                       c.r_score, c.f_score, c.m_score, c.frequency, c.monetary
                  FROM changed c
                 WHERE c.old_segment_id IS DISTINCT FROM c.segment_id
             RETURNING id
            ),
            members AS (
                SELECT u.id FROM res_users u
                  JOIN res_company_users_rel cu ON cu.user_id = u.id AND cu.cid = %(company)s
                 WHERE u.active
            ),
            responsible AS (
                -- the salesperson when active and in the company, else the company's fallback
                SELECT c.partner_id, c.segment_id, c.old_segment_id, c.monetary,
                       c.is_dormant AND NOT COALESCE(c.old_dormant, FALSE) AS became_dormant,
                       COALESCE(mb.id, %(fallback)s) AS user_id
                  FROM changed c
                  LEFT JOIN members mb ON mb.id = c.user_id
                 WHERE (c.is_dormant AND NOT COALESCE(c.old_dormant, FALSE))
                    OR (c.old_segment_id IS NOT NULL AND c.old_segment_id IS DISTINCT FROM c.segment_id)
            ),
            win_back AS (
                -- the customers who became dormant, without an open win-back
                -- activity, by responsible, the most valuable first
                SELECT r.user_id, r.partner_id,
                       ROW_NUMBER() OVER (PARTITION BY r.user_id ORDER BY r.monetary DESC, r.partner_id)
                           AS position
                  FROM responsible r
                 WHERE r.became_dormant AND r.user_id IS NOT NULL
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_activity a
                        WHERE a.res_model = 'res.partner' AND a.res_id = r.partner_id
                          AND a.activity_type_id = %(activity_type)s AND a.active)
            ),
            moves AS (
                -- the moves into a watched segment, by responsible, the most valuable first
                SELECT r.user_id, r.partner_id, r.segment_id,
                       ROW_NUMBER() OVER (PARTITION BY r.user_id ORDER BY r.monetary DESC, r.partner_id)
                           AS position
                  FROM responsible r
                  JOIN sales_plus_rfm_segment sg ON sg.id = r.segment_id AND sg.notify_salesperson
                 WHERE r.old_segment_id IS NOT NULL AND r.old_segment_id IS DISTINCT FROM r.segment_id
                   AND r.user_id IS NOT NULL
            )
            SELECT %(graded)s AS graded,
                   (SELECT COUNT(*) FROM changed) AS changed,
                   (SELECT COUNT(*) FROM removed) AS removed,
                   (SELECT COUNT(*) FROM history) AS history,
                   -- per responsible: how many, and the first ones (at most the cap)
                   (SELECT json_agg(json_build_array(w.user_id, w.total, w.partner_ids) ORDER BY w.user_id)
                      FROM (SELECT user_id, COUNT(*) AS total,
                                   COALESCE(array_agg(partner_id ORDER BY position)
                                            FILTER (WHERE position <= %(cap)s), '{}') AS partner_ids
                              FROM win_back GROUP BY user_id) w) AS win_back,
                   (SELECT json_agg(json_build_array(m.user_id, m.total, m.moves) ORDER BY m.user_id)
                      FROM (SELECT user_id, COUNT(*) AS total,
                                   array_agg(json_build_array(partner_id, segment_id) ORDER BY position)
                                       FILTER (WHERE position <= %(listed)s) AS moves
                              FROM moves GROUP BY user_id) m) AS notify,
                   %(bounds)s AS bounds
            """,
            order_date=self._rfm_local_date_sql(SQL.identifier("o", "date_order"), tz, now),
            currency=company.currency_id.id,
            company=company.id,
            partner_filter=partner_filter,
            grade_filter=grade_filter,
            start=window_start,
            today=today,
            digits=company.currency_id.decimal_places,
            refunds=refunds,
            scored=scored,
            factor=config.dormancy_factor,
            ceiling=config.dormancy_ceiling_days,
            columns=columns,
            new_columns=new_columns,
            old_columns=old_columns,
            compared_columns=compared_columns,
            assignments=assignments,
            now=now,
            fallback=company.sales_plus_fallback_user_id.id or None,
            activity_type=activity_type_id,
            cap=win_back_cap,
            listed=NOTICE_LINES,
            bounds=self._rfm_bounds_sql(scores, partner_ids is not None),
            # a full run counts them with its statistics, not with a second
            # pass over the new grades
            graded=SQL("(SELECT COUNT(*) FROM final)")
            if partner_ids is not None
            else SQL("(SELECT graded FROM stats)"),
        )

    def _rfm_scored_sql(self, scores, single, config):
        """The ``scored`` CTE and those it reads (``stats`` and the ``pareto_*``
        ones for a full run, ``cuts`` for quintiles): ``base`` plus r/f/m
        scores and the ABC class.

        The customers without an order in the window (``frequency = 0``) are
        not scored. Quintiles: a customer scores ``1 + floor(5 x worse /
        counted)``, ``worse`` being the scored customers with a strictly worse
        value: equal values share the lowest score of their tie (see
        :mod:`..services.rfm`). The scores are read off the sorted values of each
        dimension (an ordered aggregate of one column, not a window sort of whole
        rows): a value earns score k + 1 when it is strictly better than the
        value at cut k (position ``ceil(k x counted / 5)`` from the worst). The
        ABC Pareto (full runs) is read off the same sorted amounts: a running
        sum finds the positions where classes A and B end, and the partner ids
        break the tie of equal amounts across such a position. No window sorts
        whole rows.
        """
        method, bounds = scores
        a_pct, b_pct = config.abc_a_percent, config.abc_b_percent
        ctes, joins = [], []
        if not single:
            ntile_arrays = SQL("")
            if method == "ntile":
                ntile_arrays = SQL(
                    """
                    array_agg(recency ORDER BY recency DESC) FILTER (WHERE frequency > 0) AS recencies,
                    array_agg(frequency ORDER BY frequency) FILTER (WHERE frequency > 0) AS frequencies,
                    """
                )
            ctes.append(
                SQL(
                    """
                    stats AS (
                        -- one row: the customers graded, those scored (with an order in
                        -- the window), their sorted values and positive revenue
                        SELECT COUNT(*)::integer AS graded,
                               COUNT(*) FILTER (WHERE frequency > 0)::integer AS counted, %(ntile_arrays)s
                               array_agg(monetary ORDER BY monetary) FILTER (WHERE frequency > 0) AS amounts,
                               SUM(GREATEST(monetary, 0)) FILTER (WHERE frequency > 0) AS total
                          FROM base
                    ),
                    pareto_running AS (
                        -- the positive revenue up to each position of the sorted amounts
                        SELECT u.pos, u.amount,
                               SUM(GREATEST(u.amount, 0)) OVER (ORDER BY u.pos ROWS UNBOUNDED PRECEDING)
                                   AS running
                          FROM stats CROSS JOIN LATERAL unnest(stats.amounts) WITH ORDINALITY u(amount, pos)
                    ),
                    pareto_cuts AS MATERIALIZED (
                        -- one row: the first positions of class A and of classes A and
                        -- B (from there on, the revenue ranked above is below the
                        -- class's share), the amounts there and where their ties start
                        SELECT c.pa, c.pab, s.amounts[c.pa] AS va, s.amounts[c.pab] AS vab,
                               array_position(s.amounts, s.amounts[c.pa]) AS sa,
                               array_position(s.amounts, s.amounts[c.pab]) AS sab
                          FROM (SELECT MIN(r.pos) FILTER (WHERE r.amount > 0 AND
                                        100 * (s.total - r.running) < %(a)s * s.total) AS pa,
                                       MIN(r.pos) FILTER (WHERE r.amount > 0 AND
                                        100 * (s.total - r.running) < %(ab)s * s.total) AS pab
                                  FROM pareto_running r CROSS JOIN stats s) c
                         CROSS JOIN stats s
                    ),
                    pareto AS MATERIALIZED (
                        -- one row: a customer is A above amount va, and at va when its
                        -- partner id is below pid_a, the lowest of the (pa - sa) highest
                        -- ids of that tie (a tie ranks its higher ids lower: they hold
                        -- its positions before the cut); the whole tie when pa = sa.
                        -- Likewise for A or B with vab and pid_ab.
                        SELECT t.va, t.vab,
                               CASE WHEN t.pa > t.sa THEN (
                                   SELECT b.partner_id FROM base b
                                    WHERE b.frequency > 0 AND b.monetary = t.va
                                    ORDER BY b.partner_id DESC OFFSET t.pa - t.sa - 1 LIMIT 1) END AS pid_a,
                               CASE WHEN t.pab > t.sab THEN (
                                   SELECT b.partner_id FROM base b
                                    WHERE b.frequency > 0 AND b.monetary = t.vab
                                    ORDER BY b.partner_id DESC OFFSET t.pab - t.sab - 1 LIMIT 1) END AS pid_ab
                          FROM pareto_cuts t
                    )
                    """,
                    ntile_arrays=ntile_arrays,
                    a=a_pct,
                    ab=a_pct + b_pct,
                )
            )
            joins.append(SQL("CROSS JOIN pareto pr"))
        if method == "ntile":
            ctes.append(
                SQL(
                    """
                    cuts AS MATERIALIZED (
                        -- one row: the four cuts of each dimension, never the whole arrays
                        SELECT recencies[p[1]] AS r1, recencies[p[2]] AS r2,
                               recencies[p[3]] AS r3, recencies[p[4]] AS r4,
                               frequencies[p[1]] AS f1, frequencies[p[2]] AS f2,
                               frequencies[p[3]] AS f3, frequencies[p[4]] AS f4,
                               amounts[p[1]] AS m1, amounts[p[2]] AS m2,
                               amounts[p[3]] AS m3, amounts[p[4]] AS m4
                          FROM (SELECT stats.*, %s AS p FROM stats) s
                    )
                    """,
                    self._rfm_cut_positions_sql(SQL.identifier("stats", "counted")),
                )
            )
            joins.append(SQL("CROSS JOIN cuts c"))

            def score(column, prefix, descending):
                # strictly better than the cut; recency sorts descending (fewer
                # days, better score)
                operator = SQL("<") if descending else SQL(">")
                return SQL(
                    "1 + %s",
                    SQL(" + ").join(
                        SQL(
                            "COALESCE(b.%s %s c.%s, FALSE)::integer",
                            SQL.identifier(column),
                            operator,
                            SQL.identifier(f"{prefix}{k}"),
                        )
                        for k in range(1, 5)
                    ),
                )

            r_sql, f_sql, m_sql = (
                score("recency", "r", True),
                score("frequency", "f", False),
                score("monetary", "m", False),
            )
        else:
            # quintile boundaries are cuts to pass (strictly), fixed thresholds
            # the lowest values reaching the score; recency is always "fewer
            # days than the boundary"
            above = "b.%s > x" if bounds.get("strict") else "b.%s >= x"

            def score(column, values, descending):
                comparison = SQL("b.%s < x" if descending else above, SQL.identifier(column))
                return SQL(
                    "1 + (SELECT COUNT(*) FROM unnest(%s::numeric[]) x WHERE %s)",
                    values,
                    comparison,
                )

            r_sql, f_sql, m_sql = (
                score("recency", bounds["recency"], True),
                score("frequency", bounds["frequency"], False),
                score("monetary", bounds["monetary"], False),
            )
        if single:
            abc_bounds = (bounds or {}).get("abc") or [None, None]
            abc_sql = SQL(
                """
                CASE WHEN b.monetary <= 0 THEN 'c'
                     WHEN b.monetary >= %(a)s THEN 'a'
                     WHEN b.monetary >= %(b)s THEN 'b'
                     ELSE 'c' END
                """,
                a=abc_bounds[0],
                b=abc_bounds[1],
            )
        else:
            # Pareto: a customer is A while the revenue ranked above it is below
            # the A share of the company's positive revenue, then B, then C (in
            # ascending order of amount, ties by partner, the revenue ranked above
            # a customer is all of it but this customer's and that of those
            # ranked below): read off the sorted amounts, see ``pareto``
            abc_sql = SQL(
                """
                CASE WHEN b.monetary > pr.va OR (b.monetary = pr.va
                                                  AND b.partner_id < COALESCE(pr.pid_a, b.partner_id + 1))
                     THEN 'a'
                     WHEN b.monetary > pr.vab OR (b.monetary = pr.vab
                                                   AND b.partner_id < COALESCE(pr.pid_ab, b.partner_id + 1))
                     THEN 'b'
                     ELSE 'c' END
                """
            )
        return SQL(
            """
            %(ctes)s
            scored AS (
            SELECT b.partner_id, b.user_id, b.team_id, b.last_order_date, b.recency, b.frequency,
                   b.monetary, b.median_gap_days,
                   CASE WHEN b.frequency > 0 THEN %(r)s ELSE 0 END AS r_score,
                   CASE WHEN b.frequency > 0 THEN %(f)s ELSE 0 END AS f_score,
                   CASE WHEN b.frequency > 0 THEN %(m)s ELSE 0 END AS m_score,
                   CASE WHEN b.frequency > 0 THEN %(abc)s END AS abc_class
              FROM base b %(joins)s
            )
            """,
            ctes=SQL("%s,", SQL(", ").join(ctes)) if ctes else SQL(""),
            r=r_sql,
            f=f_sql,
            m=m_sql,
            abc=abc_sql,
            joins=SQL(" ").join(joins),
        )

    @api.model
    def _rfm_local_date_sql(self, column, tz, now):
        """The date in ``tz`` of the UTC timestamp ``column``. Since the last
        change of a zone that no longer changes its offset (UTC, Asia/Shanghai,
        Asia/Taipei), the offset is added instead of looking the zone up for
        each row; PostgreSQL converts the rest."""
        converted = SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, tz)
        fixed = local_date.fixed_offset(tz, now)
        if fixed is None:
            return converted
        since, offset = fixed
        if since is None:
            return SQL("(%s + %s)::date", column, offset)
        return SQL(
            "CASE WHEN %s >= %s THEN (%s + %s)::date ELSE %s END", column, since, column, offset, converted
        )

    @api.model
    def _rfm_cut_positions_sql(self, counted):
        """The positions (1-based) of the four cuts in the values of ``counted``
        scored customers sorted from the worst: ``ceil(k x counted / 5)`` for k
        = 1..4, as an integer array (``services.rfm.quintile_cut_positions``)."""
        return SQL(
            "ARRAY(SELECT (k * %(n)s + %(tiles)s - 1) / %(tiles)s FROM generate_series(1, %(tiles)s - 1) k)",
            n=counted,
            tiles=rfm.TILES,
        )

    def _rfm_bounds_sql(self, scores, single):
        """The boundaries of scores 2-5 this run used, kept for regrading one
        customer later: for recency the day counts a customer must stay under,
        for the others the values to pass (quintiles: the cuts, ``strict``) or
        reach (fixed thresholds: the thresholds themselves); for ABC the lowest
        amount of class A and of classes A and B, the amounts at the Pareto
        cuts."""
        method, bounds = scores
        if single:
            return SQL("NULL::jsonb")
        abc = SQL("jsonb_build_object('abc', jsonb_build_array(t.va, t.vab))")
        if method == "ntile":
            return SQL(
                """
                (SELECT jsonb_build_object(
                    'recency', jsonb_build_array(c.r1, c.r2, c.r3, c.r4),
                    'frequency', jsonb_build_array(c.f1, c.f2, c.f3, c.f4),
                    'monetary', jsonb_build_array(c.m1, c.m2, c.m3, c.m4),
                    'strict', TRUE) || %s
                   FROM cuts c CROSS JOIN pareto_cuts t)
                """,
                abc,
            )
        return SQL(
            "(SELECT %s::jsonb || %s FROM pareto_cuts t)",
            json.dumps({dimension: bounds[dimension] for dimension in ("recency", "frequency", "monetary")}),
            abc,
        )

    # ---- Business methods: win-back activities and notices ----

    def _rfm_schedule_win_back(self, company, win_back, cap, today):
        """One *Win Back Customer* activity per customer who became dormant,
        at most ``cap`` per responsible (the most valuable customers), and one
        notice to each responsible summing up the others; on a first grading
        (``cap`` None) only the notice. ``win_back`` holds per responsible
        ``[user id, customers, [the first partner ids, at most cap]]``.
        Returns the activities created."""
        Activity = self.env["mail.activity"].sudo()
        if not win_back:
            return Activity
        activity_type = self.env.ref("sales_plus.mail_activity_type_sales_plus_win_back")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        # the summary in the language of its responsible, not of who runs the grading
        responsibles = self.env["res.users"].sudo().browse([user_id for user_id, _total, _ids in win_back])
        responsibles.fetch(["lang"])
        summaries = {
            lang: activity_type.with_context(lang=lang).summary for lang in set(responsibles.mapped("lang"))
        }
        langs = {user.id: user.lang for user in responsibles}
        vals_list = [
            {
                "res_model_id": partner_model,
                "res_id": partner_id,
                "activity_type_id": activity_type.id,
                "summary": summaries[langs[user_id]],
                "user_id": user_id,
                "date_deadline": today,
                "automated": True,
            }
            for user_id, _total, partner_ids in win_back
            if cap
            for partner_id in partner_ids
        ]
        activities = Activity.create(vals_list)
        for user_id, total, partner_ids in win_back:
            scheduled = len(partner_ids) if cap else 0
            if total > scheduled:
                self._rfm_notify_dormant(
                    company, self.env["res.users"].browse(user_id), total, scheduled, cap
                )
        return activities

    def _rfm_notify_dormant(self, company, user, total, scheduled, cap):
        """The notice to ``user`` of ``total`` customers who are dormant, of
        whom ``scheduled`` got an activity, with a link to the list."""
        user = user.sudo()
        user_env = self.with_context(lang=user.lang).env
        if cap is None:
            text = user_env._(
                "First grading of %(company)s: %(count)s of your customers are dormant. No activity was "
                "scheduled for each of them; here is the list to win them back:",
                company=company.name,
                count=total,
            )
        elif not scheduled:
            text = user_env._(
                "%(count)s of your customers in %(company)s became dormant since the last grading; here is "
                "the list to win them back:",
                company=company.name,
                count=total,
            )
        else:
            text = user_env._(
                "%(count)s of your customers in %(company)s became dormant since the last grading. "
                "A Win Back Customer activity was scheduled for the %(scheduled)s most valuable of them "
                "(at most %(cap)s per grading); the others are in the list:",
                company=company.name,
                count=total,
                scheduled=scheduled,
                cap=cap,
            )
        action = self.env.ref("sales_plus.sales_plus_rfm_grade_action_win_back")
        body = Markup('<p>%s</p><p><a href="/odoo/action-%s">%s</a></p>') % (
            text,
            action.id,
            user_env._("Dormant customers to win back"),
        )
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=user.partner_id.ids,
            subject=user_env._("Dormant customers to win back"),
            body=body,
            subtype_xmlid="mail.mt_note",
        )

    def _rfm_notify(self, company, moves):
        """One notice per salesperson listing their customers that moved into
        a watched segment (At Risk, Can't Lose, Lost by default), the most
        valuable first, at most ``NOTICE_LINES`` by name. ``moves`` holds per
        salesperson ``[user id, moves, [[partner id, segment id], ...]]``."""
        if not moves:
            return
        listed = {partner_id for _user, _total, pairs in moves for partner_id, _segment in pairs}
        partners = self.env["res.partner"].sudo().browse(listed)
        # computed for all of them at once, not one query per customer listed
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        for user_id, total, pairs in moves:
            user = self.env["res.users"].sudo().browse(user_id)
            user_env = self.with_context(lang=user.lang).env
            segments = user_env["sales_plus.rfm.segment"].sudo()
            lines = Markup().join(
                Markup('<li><a href="/odoo/res.partner/%s">%s</a>: %s</li>')
                % (partner_id, names[partner_id], segments.browse(segment_id).name)
                for partner_id, segment_id in pairs
            )
            if total > len(pairs):
                lines += Markup("<li>%s</li>") % user_env._("and %(count)s more", count=total - len(pairs))
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                user_env._(
                    "%(count)s of your customers in %(company)s moved into a segment to act on:",
                    count=total,
                    company=company.name,
                ),
                lines,
            )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=user_env._("Customers to win back"),
                body=body,
                subtype_xmlid="mail.mt_note",
            )
