# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.1 -> 19.0.1.0.2: the price approval levels (noupdate data) no
longer prefill the approver's comment with the English word "Approved": the
comment starts empty, in every language. A comment an administrator set
differently is kept."""

from odoo import SUPERUSER_ID, api

LEVELS = (
    "sales_plus.tier_definition_price_approval_level_1",
    "sales_plus.tier_definition_price_approval_level_2",
    "sales_plus.tier_definition_price_approval_level_3",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    definitions = env["tier.definition"].browse(
        [definition.id for xmlid in LEVELS if (definition := env.ref(xmlid, raise_if_not_found=False))]
    )
    definitions.filtered(lambda d: d.comment_approve_default == "Approved").comment_approve_default = False
