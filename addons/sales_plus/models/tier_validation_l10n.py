# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import models

# A Python term is translated only from the .po files of the module whose code
# calls ``_()``: base_tier_validation ships no zh_TW and leaves these empty in
# zh_CN, so the texts it builds for the approval block are built here, in the
# same English, as sales_plus's own terms.


class TierValidation(models.AbstractModel):
    _inherit = "tier.validation"

    # ---- Compute methods ----

    def _compute_next_review(self):
        res = super()._compute_next_review()
        for record in self.filtered("next_review"):
            review = record.review_ids.sorted("sequence").filtered(lambda r: r.status == "pending")[:1]
            record.next_review = self.env._("Next: %(review)s", review=review.name)
        return res

    # ---- Business methods ----

    def _add_comment(self, validate_reject, reviews):
        # the title of the comment dialog of Validate / Reject
        action = super()._add_comment(validate_reject, reviews)
        action["name"] = self.env._("Comment")
        return action

    def _get_to_validate_message_name(self):
        # the model's name in the reader's language, not its English _description
        return self.env["ir.model"]._get(self._name).name or super()._get_to_validate_message_name()

    def _get_to_validate_message(self):
        icon = Markup('<i class="fa fa-lg fa-info-circle"></i>')
        pending = self.review_ids.filtered(lambda r: r.status == "pending")[:1]
        if pending.todo_by:
            return self.env._(
                "%(icon)s Pending validation by %(todo_by)s", icon=icon, todo_by=pending.todo_by
            )
        return self.env._(
            "%(icon)s This %(model_name)s needs to be validated",
            icon=icon,
            model_name=self._get_to_validate_message_name(),
        )
