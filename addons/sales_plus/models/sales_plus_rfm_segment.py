# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..services import rfm


class SalesPlusRfmSegment(models.Model):
    _name = "sales_plus.rfm.segment"
    _description = "Customer Segment (RFM)"
    _order = "sequence, id"

    # ---- Fields ----

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Segments are matched in this order: a customer gets the first "
        "segment whose three score ranges hold their scores.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer(string="Colour")
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to use the segment in every company.",
    )
    no_recent_purchase = fields.Boolean(
        help="Customers without a confirmed order in the grading window get "
        "this segment; they are not scored and the score ranges are ignored.",
    )
    notify_salesperson = fields.Boolean(
        help="A customer moving into this segment is reported to their salesperson.",
    )
    r_min = fields.Integer(string="Recency from", default=1)
    r_max = fields.Integer(string="Recency to", default=5)
    f_min = fields.Integer(string="Frequency from", default=1)
    f_max = fields.Integer(string="Frequency to", default=5)
    m_min = fields.Integer(string="Monetary from", default=1)
    m_max = fields.Integer(string="Monetary to", default=5)
    grade_count = fields.Integer(compute="_compute_grade_count", string="Customers")

    # ---- Compute methods ----

    def _compute_grade_count(self):
        counts = dict(
            self.env["sales_plus.rfm.grade"]._read_group(
                [("segment_id", "in", self.ids), ("company_id", "in", self.env.companies.ids)],
                ["segment_id"],
                ["__count"],
            )
        )
        for segment in self:
            segment.grade_count = counts.get(segment, 0)

    # ---- Constraint methods ----

    @api.constrains("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")
    def _check_score_ranges(self):
        labels = {
            "recency": self.env._("Recency"),
            "frequency": self.env._("Frequency"),
            "monetary": self.env._("Monetary"),
        }
        for segment in self:
            try:
                rfm.check_segment_ranges(
                    {
                        "recency": (segment.r_min, segment.r_max),
                        "frequency": (segment.f_min, segment.f_max),
                        "monetary": (segment.m_min, segment.m_max),
                    }
                )
            except rfm.RfmInputError as error:
                dimension = labels[error.params["dimension"]]
                low, high = error.params["low"], error.params["high"]
                if error.code == "segment_range_outside":
                    raise ValidationError(
                        self.env._(
                            "Segment %(segment)s: the %(dimension)s range %(low)s-%(high)s must lie "
                            "within the scores 1 to 5.",
                            segment=segment.name,
                            dimension=dimension,
                            low=low,
                            high=high,
                        )
                    ) from error
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the %(dimension)s range %(low)s-%(high)s starts above its end.",
                        segment=segment.name,
                        dimension=dimension,
                        low=low,
                        high=high,
                    )
                ) from error

    @api.constrains(
        "active", "company_id", "no_recent_purchase", "r_min", "r_max", "f_min", "f_max", "m_min", "m_max"
    )
    def _check_segment_map(self):
        # the module's data loads the default segments one by one: the map is
        # whole once all are (a client cannot call while the registry loads)
        if self.env.registry.ready:
            self._rfm_check_segment_map()

    # ---- CRUD methods ----

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["sales_plus.rfm.grade"].sudo().search_count([("segment_id", "in", self.ids)], limit=1):
            raise ValidationError(
                self.env._("A segment that customers are graded in cannot be deleted; archive it instead.")
            )
        self._rfm_check_segment_map(excluded=self)

    # ---- Business methods ----

    @api.model
    def _rfm_check_segment_map(self, excluded=None):
        """Each active company must keep, among its active segments and the
        shared ones (but ``excluded``), a segment for each of the 125 score
        combinations and a "no recent purchase" segment; else ValidationError."""
        self.flush_model()
        self.env["res.company"].flush_model(["active"])
        gaps = self.env.execute_query(
            SQL(
                """
                WITH segments AS (
                    SELECT * FROM sales_plus_rfm_segment WHERE active AND NOT (id = ANY(%(excluded)s))
                ),
                triples AS (
                    SELECT r.s AS r, f.s AS f, m.s AS m
                      FROM generate_series(1, 5) r(s), generate_series(1, 5) f(s), generate_series(1, 5) m(s)
                )
                SELECT c.id, t.r, t.f, t.m
                  FROM res_company c CROSS JOIN triples t
                 WHERE c.active AND NOT EXISTS (
                       SELECT 1 FROM segments sg
                        WHERE NOT COALESCE(sg.no_recent_purchase, FALSE)
                          AND (sg.company_id IS NULL OR sg.company_id = c.id)
                          AND t.r BETWEEN sg.r_min AND sg.r_max
                          AND t.f BETWEEN sg.f_min AND sg.f_max
                          AND t.m BETWEEN sg.m_min AND sg.m_max)
                 UNION ALL
                SELECT c.id, NULL, NULL, NULL
                  FROM res_company c
                 WHERE c.active AND NOT EXISTS (
                       SELECT 1 FROM segments sg
                        WHERE sg.no_recent_purchase AND (sg.company_id IS NULL OR sg.company_id = c.id))
                 ORDER BY 1, 2 NULLS FIRST, 3, 4
                 LIMIT 1
                """,
                excluded=(excluded or self.browse()).ids,
            )
        )
        if not gaps:
            return
        company_id, r_score, f_score, m_score = gaps[0]
        company = self.env["res.company"].sudo().browse(company_id)
        if r_score is None:
            raise ValidationError(
                self.env._(
                    "This change would leave %(company)s without an active segment for the customers with no "
                    "recent purchase.",
                    company=company.name,
                )
            )
        raise ValidationError(
            self.env._(
                "This change would leave customers without a segment: in %(company)s no active segment holds "
                "the scores R %(r)s, F %(f)s, M %(m)s.",
                company=company.name,
                r=r_score,
                f=f_score,
                m=m_score,
            )
        )

    # ---- Action methods ----

    def action_open_grades(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_plus.sales_plus_rfm_grade_action")
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {}
        return action
