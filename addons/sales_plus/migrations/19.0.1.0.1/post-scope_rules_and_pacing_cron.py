# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.0.0 -> 19.0.1.0.1: records of noupdate data that changed.

- One scope rule per Sales Plus model (own / team / all, evaluated from
  ``res.users._sales_plus_scope_domain``) replaces the User, Team Leader and
  Manager rules: the three rules of each model are dropped and the new one
  loaded from security/ir_rules.xml.
- The pacing-alert cron moved from the cockpit to ``sales_plus.target``.

Odoo does not update records of ``noupdate`` data on upgrade: these few are
loaded again from the module's own files, so that each is written once.
"""

import logging

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path
from odoo.tools.convert import xml_import

_logger = logging.getLogger(__name__)

SCOPED_MODELS = ("stock_alert", "rfm_grade", "rfm_history", "target")
OBSOLETE = [f"sales_plus_{model}_rule_{role}" for model in SCOPED_MODELS for role in ("team_leader", "manager")]
RELOAD = {
    "security/ir_rules.xml": [f"sales_plus_{model}_rule_user" for model in SCOPED_MODELS],
    "data/sales_plus_cockpit_data.xml": ["ir_cron_sales_plus_pacing_alerts"],
}


def reload_records(env, path, record_ids):
    """Load the records ``record_ids`` of the module's data file ``path`` again,
    over their current values (they stay ``noupdate``)."""
    full_path = file_path(f"sales_plus/{path}")
    source = etree.parse(full_path)
    root = etree.Element("odoo")
    data = etree.SubElement(root, "data", noupdate="1")
    for record_id in record_ids:
        (record,) = source.xpath("//record[@id=$id]", id=record_id)
        data.append(record)
    xml_import(env, "sales_plus", {}, mode="init", noupdate=True, xml_filename=full_path).parse(root)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in OBSOLETE:
        rule = env.ref(f"sales_plus.{xmlid}", raise_if_not_found=False)
        if rule:
            rule.unlink()
    for path, record_ids in RELOAD.items():
        reload_records(env, path, record_ids)
    _logger.info("sales_plus: scope rules and pacing-alert cron reloaded")
