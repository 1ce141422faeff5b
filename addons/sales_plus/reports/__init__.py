from . import rfm_grade_xlsx
from . import sales_plus_cockpit_xlsx
from . import sales_plus_target_xlsx
from . import sales_plus_cockpit_pdf
