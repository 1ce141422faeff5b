# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import rfm_grade_xlsx
from . import sales_plus_cockpit_xlsx
from . import sales_plus_target_xlsx
from . import sales_plus_cockpit_pdf
