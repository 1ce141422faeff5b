from . import rfm_grade_xlsx
