# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        if self.res_model == "sale.order":
            order = self.env["sale.order"].browse(self.res_id)
            order._price_approval_check_can_decide()
            if self.validate_reject == "validate":
                # an approver holding several levels approves them at once
                self.review_ids |= order._price_approval_decision_chain()
        return super().add_comment()
