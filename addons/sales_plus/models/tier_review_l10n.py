# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# reviewers named one by one in "Todo by" before "(and N more)", as base_tier_validation
_TODO_BY_SHOWN = 3


class TierReview(models.Model):
    _inherit = "tier.review"

    # ---- Fields ----

    # The same values and labels: declared here too, the labels are sales_plus's
    # terms as well and its .po translates them (base_tier_validation ships no
    # zh_TW and leaves "Waiting" and "Cancel" empty in zh_CN).
    status = fields.Selection(
        selection_add=[
            ("waiting", "Waiting"),
            ("pending", "Pending"),
            ("rejected", "Rejected"),
            ("approved", "Approved"),
            ("cancel", "Cancel"),
        ]
    )

    # who is to decide, in the reader's language: ``todo_by`` is stored in the
    # requester's (the review table shows this one, see static/src/tier_validation)
    price_approval_todo_by = fields.Char(
        string="To Do By (Reader's Language)",
        compute="_compute_price_approval_todo_by",
    )

    # ---- Compute methods ----

    def _compute_todo_by(self):
        # base_tier_validation's "Group %s" and "(and N more)", as sales_plus's terms
        # (a Python term is translated only from its own module's .po files)
        res = super()._compute_todo_by()
        for review in self:
            if review.reviewer_group_id or len(review.reviewer_ids) > _TODO_BY_SHOWN:
                review.todo_by = review._price_approval_todo_label()
        return res

    @api.depends("todo_by", "reviewer_group_id", "reviewer_ids")
    @api.depends_context("lang")
    def _compute_price_approval_todo_by(self):
        for review in self:
            if review.reviewer_group_id or len(review.reviewer_ids) > _TODO_BY_SHOWN:
                review.price_approval_todo_by = review._price_approval_todo_label()
            else:
                review.price_approval_todo_by = review.todo_by

    # ---- Business methods ----

    def _price_approval_todo_label(self):
        """Who is to decide, in the language of the environment (``todo_by`` is
        stored in the language of whoever requested the approval)."""
        self.ensure_one()
        if self.reviewer_group_id:
            return self.env._("Group %(group)s", group=self.reviewer_group_id.name)
        names = self.reviewer_ids.mapped("display_name")
        if len(names) > _TODO_BY_SHOWN:
            return self.env._(
                "%(names)s (and %(count)s more)",
                names=", ".join(names[:_TODO_BY_SHOWN]),
                count=len(names) - _TODO_BY_SHOWN,
            )
        return ", ".join(names)
