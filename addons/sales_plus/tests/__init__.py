# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_foundation
from . import test_l10n
from . import test_l10n_ui
from . import test_l10n_tours
from . import test_l10n_tier_validation
from . import test_ui
from . import test_stock_alert
from . import test_stock_alert_ui
from . import test_stock_alert_mrp
from . import test_rfm
from . import test_price_approval
from . import test_cockpit
from . import test_cockpit_ui
from . import test_cockpit_parts
from . import test_scope
from . import test_cockpit_readonly
from . import test_security
from . import test_cockpit_figures
from . import test_screens
from . import test_team_leader
from . import test_rfm_form
from . import test_demo
from . import test_cockpit_summary
