# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

# what a user may change on a price approval review by hand; status moves to a
# decision only for a reviewer whose turn it is (checked in write)
_PRICE_REVIEW_WRITABLE = {"status", "done_by", "reviewed_date", "comment", "last_reminder_date"}


class TierReview(models.Model):
    _inherit = "tier.review"

    # ---- Fields ----

    price_approval_level = fields.Integer(related="definition_id.price_approval_level")

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                definition = self.env["tier.definition"].browse(vals.get("definition_id"))
                if definition.price_approval_level and (
                    vals.get("status", "waiting") not in ("waiting", "pending") or vals.get("done_by")
                ):
                    raise AccessError(
                        self.env._("A price approval can only be created as a request, not as a decision.")
                    )
        return super().create(vals_list)

    def write(self, vals):
        price_reviews = self.filtered("price_approval_level")
        if price_reviews and not self.env.su:
            forbidden = set(vals) - _PRICE_REVIEW_WRITABLE
            if forbidden:
                raise AccessError(
                    self.env._(
                        "These fields of a price approval cannot be changed: %(fields)s",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
            if vals.get("status") in ("approved", "rejected"):
                price_reviews._price_approval_check_decider(self)
            if vals.get("done_by") and vals["done_by"] != self.env.uid:
                raise AccessError(self.env._("A price approval can only be decided in your own name."))
        return super().write(vals)

    # ---- Business methods ----

    def _price_approval_check_decider(self, batch):
        """Only a reviewer of each review, whose turn it is (every lower tier is
        approved or decided in the same ``batch``), and who is neither the
        salesperson nor the creator of the order, may approve or reject it."""
        user = self.env.user
        orders = self.env["sale.order"].browse(set(self.mapped("res_id")))
        for review in self:
            order = orders.filtered(lambda o, r=review: o.id == r.res_id)
            if (
                user not in review.sudo()._get_reviewers()
                or user in order.sudo()._price_approval_excluded_users()
            ):
                raise AccessError(
                    self.env._("You are not allowed to decide the price approval %(name)s.", name=review.name)
                )
            earlier = order.sudo().review_ids.filtered(
                lambda r, rev=review: r.sequence < rev.sequence and r.status != "approved" and r not in batch
            )
            if earlier:
                raise AccessError(
                    self.env._(
                        "The price approval %(name)s must wait for %(earlier)s.",
                        name=review.name,
                        earlier=", ".join(earlier.mapped("name")),
                    )
                )

    def _get_reviewers(self):
        """Price approval tiers: group reviewers include the users who hold the group
        through another one (a General Manager is a Sales Manager too), only users of
        the order's company who may read the order, never its salesperson or creator
        (four-eyes); a level without any such reviewer falls back to the sales managers."""
        reviewers = super()._get_reviewers()
        if not self.definition_id.price_approval_level or self.model != "sale.order":
            return reviewers
        order = self.env["sale.order"].browse(self.res_id)
        if self.reviewer_group_id:
            reviewers = self.reviewer_id | self.reviewer_group_id.all_user_ids
        reviewers = order._price_approval_eligible_reviewers(reviewers)
        if not reviewers:
            managers = self.env.ref("sales_plus.group_sales_plus_manager").all_user_ids
            reviewers = order._price_approval_eligible_reviewers(managers)
        return reviewers

    def _send_review_reminder(self):
        price_reviews = self.filtered("price_approval_level")
        res = super(TierReview, self - price_reviews)._send_review_reminder()
        for review in price_reviews:
            order = self.env["sale.order"].browse(review.res_id).exists()
            if order:
                order._price_approval_remind(review)
            review.last_reminder_date = fields.Datetime.now()
        return res
