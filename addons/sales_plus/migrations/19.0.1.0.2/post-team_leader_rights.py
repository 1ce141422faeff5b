# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.1 -> 19.0.1.0.2: Team Leaders no longer read every document.

The Team Leader group implied Sales' "All Documents" group, so that Sales ▸
Orders and Invoicing showed them every document while their cockpit counted
their teams'. Loading security/sales_plus_groups.xml links the groups it
names but never unlinks one: the implication is removed here (the Manager
group implies "All Documents" itself from now on, linked by the same file).
The Team Leader record rules on orders and invoices are new records, created
by the update itself.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.fields import Command

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    team_leader = env.ref("sales_plus.group_sales_plus_team_leader")
    all_documents = env.ref("sales_team.group_sale_salesman_all_leads")
    manager = env.ref("sales_plus.group_sales_plus_manager")
    if all_documents not in manager.implied_ids:
        manager.implied_ids = [Command.link(all_documents.id)]
    if all_documents in team_leader.implied_ids:
        team_leader.implied_ids = [Command.unlink(all_documents.id)]
        _logger.info("sales_plus: Team Leaders no longer imply Sales' All Documents")
