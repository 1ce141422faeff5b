from . import comment_wizard
from . import sales_plus_target_spread_wizard
from . import sales_plus_target_import_wizard
