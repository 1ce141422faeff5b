# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError

from ..models.tier_review import price_approval_flow


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        if self.res_model == "sale.order":
            order = self.env["sale.order"].browse(self.res_id)
            # the reviews come from the client: only those of this order are decided
            if any(r.model != self.res_model or r.res_id != self.res_id for r in self.review_ids):
                raise AccessError(
                    self.env._("A decision on %(order)s cannot decide other documents.", order=order.name)
                )
            order._price_approval_check_can_decide()
            if order.review_ids.filtered("price_approval_level"):
                # the approver decides the reviews whose turn it is, whatever the client sent
                chain = order._price_approval_decision_chain()
                if self.validate_reject == "reject":
                    chain = order._price_approval_current_reviews().filtered(
                        lambda r: self.env.user in r.reviewer_ids
                    )
                self.review_ids = self.review_ids.filtered(lambda r: not r.price_approval_level) | chain
                return super(CommentWizard, price_approval_flow(self)).add_comment()
        return super().add_comment()
