from . import res_company
from . import res_config_settings
from . import res_users
from . import sales_plus_demo
from . import sales_plus_target
from . import sales_plus_cockpit
from . import sales_plus_cockpit_demo
