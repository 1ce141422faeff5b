# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare

ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]

# how much each scope field adds to a rule's specificity: a product rule beats a
# category rule, which beats a customer-class rule, which beats a team rule
_SCOPE_WEIGHTS = {
    "product_tmpl_id": 8,
    "categ_id": 4,
    "partner_abc_class": 2,
    "team_id": 1,
}


class SalesPlusPriceRule(models.Model):
    _name = "sales_plus.price.rule"
    _description = "Sales Plus Price Rule"
    _order = "sequence, id"
    _check_company_auto = True

    # ---- Fields ----

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="Among rules equally specific, the lowest sequence wins.")
    company_id = fields.Many2one(
        comodel_name="res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to apply the rule in every company.",
    )
    product_tmpl_id = fields.Many2one(
        comodel_name="product.template",
        string="Product",
        check_company=True,
        ondelete="cascade",
    )
    categ_id = fields.Many2one(
        comodel_name="product.category",
        string="Product Category",
        ondelete="cascade",
        help="The rule applies to this category and its subcategories.",
    )
    partner_abc_class = fields.Selection(
        selection=ABC_CLASSES,
        string="Customer ABC Class",
        help="Applies to customers of this ABC class (from the customer grading).",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        check_company=True,
        ondelete="cascade",
    )
    threshold_ids = fields.One2many(
        comodel_name="sales_plus.price.rule.threshold",
        inverse_name="rule_id",
        string="Thresholds",
        copy=True,
    )
    specificity = fields.Integer(
        compute="_compute_specificity",
        help="The more scope fields a rule sets, the more specific it is; the most specific rule wins.",
    )

    @api.depends(*_SCOPE_WEIGHTS)
    def _compute_specificity(self):
        for rule in self:
            rule.specificity = sum(weight for name, weight in _SCOPE_WEIGHTS.items() if rule[name])

    # ---- Constraint methods ----

    @api.constrains("threshold_ids")
    def _check_threshold_overlap(self):
        for rule in self:
            bands = rule.threshold_ids.filtered(lambda t: t.kind == "deviation").sorted("deviation_from")
            for previous, band in pairwise(bands):
                if float_compare(band.deviation_from, previous.deviation_to, precision_digits=4) < 0:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: the deviation bands %(first)s and %(second)s overlap.",
                            rule=rule.name,
                            first=previous.display_name,
                            second=band.display_name,
                        )
                    )
            floors = rule.threshold_ids.filtered(lambda t: t.kind == "margin").mapped("margin_floor")
            if len(floors) != len(set(floors)):
                raise ValidationError(
                    self.env._("Rule %(rule)s: two margin floors have the same value.", rule=rule.name)
                )

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._price_approval_refresh_open_orders()
        return rules

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and (moved := self - self._filtered_access("write")):
            # the record rules are checked before a write only
            raise AccessError(
                self.env._(
                    "You cannot move the price rules %(rules)s out of the companies you work in.",
                    rules=", ".join(moved.sudo().mapped("name")),
                )
            )
        self._price_approval_refresh_open_orders()
        return res

    def unlink(self):
        companies = self.company_id
        shared = any(not rule.company_id for rule in self)
        res = super().unlink()
        self.browse()._price_approval_refresh_open_orders(companies=companies, shared=shared)
        return res

    # ---- Business methods ----

    def _price_approval_refresh_open_orders(self, companies=None, shared=None):
        """Recompute the analysis of the quotations the changed rules may apply to."""
        if companies is None:
            companies = self.company_id
            shared = any(not rule.company_id for rule in self)
        if not companies and not shared:
            return
        domain = [("order_id.state", "in", ("draft", "sent"))]
        if not shared:
            domain.append(("company_id", "in", companies.ids))
        lines = self.env["sale.order.line"].sudo().search(domain)
        if lines:
            self.env.add_to_compute(lines._fields["price_approval_level"], lines)
            lines._recompute_recordset()

    @api.model
    def _price_approval_rules(self, companies):
        """Active rules of ``companies`` (and shared ones), most specific first."""
        rules = self.sudo().search([("company_id", "in", [False, *companies.ids])])
        rules.threshold_ids.fetch()
        return rules.sorted(lambda r: (-r.specificity, -len(r.categ_id.parent_path or ""), r.sequence, r.id))

    def _price_approval_matches(self, product, partner_class, team, company):
        """Whether this rule applies to a line of ``product`` sold to a customer of
        ABC class ``partner_class`` by ``team`` in ``company``."""
        self.ensure_one()
        if self.company_id and self.company_id != company:
            return False
        if self.product_tmpl_id and self.product_tmpl_id != product.product_tmpl_id:
            return False
        if self.categ_id and not (product.categ_id.parent_path or "").startswith(self.categ_id.parent_path):
            return False
        if self.partner_abc_class and self.partner_abc_class != partner_class:
            return False
        return not (self.team_id and self.team_id != team)

    def _price_approval_level(self, deviation, margin):
        """The level (0-3) this rule requires for a line ``deviation`` % under its
        reference price with a ``margin`` % margin: the highest of the thresholds
        it meets, a margin floor whatever the deviation."""
        self.ensure_one()
        return self._price_approval_deciding_threshold(deviation, margin).level or 0

    def _price_approval_deciding_threshold(self, deviation, margin):
        """The threshold that sets the level of such a line: the highest level
        met, a margin floor before a deviation band of the same level (the
        lowest floor crossed first); none when the line is within policy."""
        fired = self.threshold_ids.filtered(lambda t: t._fires(deviation, margin))
        return fired.sorted(lambda t: (t.level, t.kind == "margin", -t.margin_floor), reverse=True)[:1]

    @api.model
    def _partner_abc_classes(self, partners, company):
        """ABC class of each commercial partner in ``company`` from its customer
        grade: ``{partner_id: 'A'|'B'|'C'}``; ungraded customers have none. Read
        as superuser: the class decides the policy, whoever prices the line."""
        grades = (
            self.env["sales_plus.rfm.grade"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("abc_class", "!=", False),
                ],
                ["partner_id", "abc_class"],
            )
        )
        return {grade.partner_id.id: grade.abc_class.upper() for grade in grades}
