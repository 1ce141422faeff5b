# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections.abc import Collection

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

# partner fields that read a column of the current company's grade, groupable
_RFM_GRADE_COLUMNS = {
    "rfm_segment_id": "segment_id",
    "rfm_abc_class": "abc_class",
    "rfm_is_dormant": "is_dormant",
}
_NEGATIVE_OPERATORS = {"not in": "in", "!=": "=", "not ilike": "ilike", "not like": "like", "not any": "any"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ---- Fields ----

    sales_plus_rfm_grade_ids = fields.One2many(
        comodel_name="sales_plus.rfm.grade",
        inverse_name="partner_id",
        string="Customer Grades",
    )
    # the grade of the commercial partner in the current company, as the user
    # may see it (grades of other salespeople's customers read as empty)
    rfm_grade_id = fields.Many2one(
        comodel_name="sales_plus.rfm.grade",
        string="Customer Grade",
        compute="_compute_rfm_grade",
        search="_search_rfm_grade_id",
    )
    rfm_segment_id = fields.Many2one(
        comodel_name="sales_plus.rfm.segment",
        string="Segment",
        compute="_compute_rfm_grade",
        search="_search_rfm_segment_id",
    )
    rfm_abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC Class",
        compute="_compute_rfm_grade",
        search="_search_rfm_abc_class",
    )
    rfm_is_dormant = fields.Boolean(
        string="Dormant",
        compute="_compute_rfm_grade",
        search="_search_rfm_is_dormant",
    )
    # figures of the grade as the user may read it: not read as superuser, or
    # they would show the grades of other salespeople's customers
    rfm_segment_color = fields.Integer(
        related="rfm_segment_id.color", string="Segment Colour", compute_sudo=False
    )
    rfm_last_order_date = fields.Date(
        related="rfm_grade_id.last_order_date", string="Last Order", compute_sudo=False
    )
    rfm_recency_days = fields.Integer(
        related="rfm_grade_id.recency_days", string="Recency (days)", compute_sudo=False
    )
    rfm_frequency = fields.Integer(
        related="rfm_grade_id.frequency", string="Frequency (orders)", compute_sudo=False
    )
    rfm_monetary = fields.Monetary(related="rfm_grade_id.monetary", string="Monetary", compute_sudo=False)
    rfm_currency_id = fields.Many2one(
        related="rfm_grade_id.currency_id", string="Grading Currency", compute_sudo=False
    )
    rfm_median_gap_days = fields.Float(
        related="rfm_grade_id.median_gap_days", string="Median Gap (days)", compute_sudo=False
    )
    rfm_r_score = fields.Integer(related="rfm_grade_id.r_score", string="R Score", compute_sudo=False)
    rfm_f_score = fields.Integer(related="rfm_grade_id.f_score", string="F Score", compute_sudo=False)
    rfm_m_score = fields.Integer(related="rfm_grade_id.m_score", string="M Score", compute_sudo=False)
    rfm_graded_on = fields.Datetime(
        related="rfm_grade_id.graded_on", string="Grade Changed On", compute_sudo=False
    )
    rfm_last_regrade = fields.Datetime(
        string="Last Regrade",
        compute="_compute_rfm_grade",
        help="When the customers of the current company were last regraded.",
    )
    rfm_history_ids = fields.One2many(
        comodel_name="sales_plus.rfm.history",
        string="Segment History",
        compute="_compute_rfm_history_ids",
    )

    # ---- Compute and search methods ----

    @api.depends("commercial_partner_id")
    @api.depends_context("company", "uid")
    def _compute_rfm_grade(self):
        company = self.env.company
        grades = self.env["sales_plus.rfm.grade"]
        if grades.has_access("read"):
            grades = grades.search(
                [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", company.id)]
            )
        by_partner = {grade.partner_id.id: grade for grade in grades}
        last_run = False
        if grades:
            last_run = self.env["sales_plus.rfm.config"].sudo()._get_for_company(company).last_run_date
        for partner in self:
            grade = by_partner.get(partner.commercial_partner_id.id, grades.browse())
            partner.rfm_grade_id = grade
            partner.rfm_segment_id = grade.segment_id
            partner.rfm_abc_class = grade.abc_class
            partner.rfm_is_dormant = grade.is_dormant
            partner.rfm_last_regrade = grade and max(filter(None, [last_run, grade.graded_on]))

    def _search_rfm_grade(self, column, operator, value):
        """Partners whose commercial partner's grade in the current company
        (among the grades the user may read) matches; no grade reads as empty."""
        positive = _NEGATIVE_OPERATORS.get(operator)
        operator = positive or operator
        grades = Domain("company_id", "=", self.env.company.id)
        path = "commercial_partner_id.sales_plus_rfm_grade_ids"
        domain = Domain(path, "any", grades & Domain(column, operator, value))
        values = value if isinstance(value, Collection) and not isinstance(value, str) else [value]
        if operator in ("in", "=") and any(v is False or v is None for v in values):
            domain |= Domain(path, "not any", grades)
        return ~domain if positive else domain

    def _search_rfm_grade_id(self, operator, value):
        return self._search_rfm_grade("id", operator, value)

    def _search_rfm_segment_id(self, operator, value):
        return self._search_rfm_grade("segment_id", operator, value)

    def _search_rfm_abc_class(self, operator, value):
        return self._search_rfm_grade("abc_class", operator, value)

    def _search_rfm_is_dormant(self, operator, value):
        return self._search_rfm_grade("is_dormant", operator, value)

    @api.depends("commercial_partner_id")
    @api.depends_context("company", "uid")
    def _compute_rfm_history_ids(self):
        History = self.env["sales_plus.rfm.history"]
        histories = History.browse()
        if History.has_access("read"):
            histories = History.search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        for partner in self:
            partner.rfm_history_ids = histories.filtered(
                lambda h, p=partner: h.partner_id == p.commercial_partner_id
            )

    def _field_to_sql(self, alias, field_expr, query=None):
        """Segment, ABC class and dormancy of the current company's grade as
        SQL, so partners can be grouped and sorted by them; the grades are
        those the user may read."""
        column = _RFM_GRADE_COLUMNS.get(field_expr)
        if column is None or query is None:
            return super()._field_to_sql(alias, field_expr, query)
        grades = self.env["sales_plus.rfm.grade"]._search([("company_id", "=", self.env.company.id)])
        grade_alias = query.make_alias(alias, f"rfm_grade_{self.env.uid}")
        query.add_join(
            "LEFT JOIN",
            grade_alias,
            grades.subselect(SQL("partner_id, segment_id, abc_class, is_dormant")),
            SQL(
                "%s = %s",
                SQL.identifier(grade_alias, "partner_id"),
                self._field_to_sql(alias, "commercial_partner_id", query),
            ),
        )
        return SQL.identifier(grade_alias, column)

    # ---- Action methods ----

    def action_rfm_regrade(self):
        """Regrade this customer in the current company, against the score
        boundaries of the company's last full regrade."""
        partners = self.commercial_partner_id
        user = self.env.user
        # a customer has no team of its own: it belongs to the teams its
        # salesperson is a member of (the Sales Plus scope with membership)
        scope = user._sales_plus_scope_domain(["user_id"], membership=True)
        in_scope = partners.sudo().filtered_domain(scope) == partners.sudo()
        if not user.has_group("sales_plus.group_sales_plus_user") or not in_scope:
            raise AccessError(self.env._("You can only regrade the customers you are responsible for."))
        self.env["sales_plus.rfm.grade"].sudo()._regrade_partners(partners, self.env.company)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_rfm_open_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"create": False}
        return action
