# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models
from . import reports
from . import wizards
from . import controllers
from . import tools
from .demo import uninstall_hook
