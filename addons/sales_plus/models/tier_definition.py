# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    # ---- Fields ----

    price_approval_level = fields.Integer(
        help="Sales Plus price approvals: this tier reviews the sale orders whose price "
        "deviation requires this level (1-3) or a higher one. 0: not a price approval tier.",
    )

    # ---- Constraint methods ----

    @api.constrains("price_approval_level", "model")
    def _check_price_approval_level(self):
        for definition in self:
            if not definition.price_approval_level:
                continue
            if definition.price_approval_level not in (1, 2, 3):
                raise ValidationError(
                    self.env._(
                        "The price approval level must be 1, 2 or 3 (not %(level)s).",
                        level=definition.price_approval_level,
                    )
                )
            if definition.model != "sale.order":
                raise ValidationError(self.env._("Price approval tiers apply to sale orders only."))

    # ---- CRUD methods ----

    def write(self, vals):
        res = super().write(vals)
        # the record rules are checked before a write only: a Sales Plus
        # Administrator cannot turn a sale order tier into one of another model
        if not self.env.su and (moved := self - self._filtered_access("write")):
            raise AccessError(
                self.env._(
                    "You cannot move the approval levels %(tiers)s out of the ones you may edit.",
                    tiers=", ".join(moved.sudo().mapped("name")),
                )
            )
        return res

    # ---- Business methods ----

    def _get_review_needing_reminder(self):
        """Remind price approvers only when it is their turn: the delay counts
        from the moment the review became theirs (``last_reminder_date`` is set
        then), and reviews still waiting for a lower level are skipped."""
        reviews = super()._get_review_needing_reminder()
        if self.price_approval_level:
            reviews = reviews.filtered(lambda r: r.status == "pending" and r.can_review)
        return reviews

    @api.model
    def _price_approval_definitions(self, company):
        """Active price approval tiers of ``company`` (and shared ones)."""
        return self.search(
            Domain("model", "=", "sale.order")
            & Domain("price_approval_level", ">", 0)
            & Domain("company_id", "in", [False, company.id])
        )
