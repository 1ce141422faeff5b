# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SalesPlusCommon

# the settings a Sales Plus administrator types in the grading form
_SETTINGS = (
    "window_days",
    "scoring_method",
    "abc_a_percent",
    "abc_b_percent",
    "abc_c_percent",
    "dormancy_factor",
    "dormancy_ceiling_days",
    "win_back_activity_cap",
)


@tagged("post_install", "-at_install")
class TestRfmConfigForm(SalesPlusCommon):
    """The grading configuration driven through its form, as its users type:
    a valid change is saved as typed; a bad input is refused on save with a
    message naming the fault, and nothing of the form is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.sp_users["admin"]
        cls.config = cls.env["sales_plus.rfm.config"]._get_for_company(cls.env.company)

    def _form(self, user=None):
        return Form(self.config.with_user(user or self.admin))

    def _state(self):
        self.config.invalidate_recordset()
        self.config.threshold_ids.invalidate_recordset()
        return (
            {name: self.config[name] for name in _SETTINGS},
            self.config._rfm_threshold_bounds(),
        )

    def test_change_window_thresholds_and_shares(self):
        form = self._form()
        form.window_days = 120
        form.scoring_method = "thresholds"
        form.abc_a_percent = 70
        form.abc_b_percent = 20
        form.abc_c_percent = 10
        form.dormancy_factor = 2.5
        form.dormancy_ceiling_days = 400
        # lines by score, descending: 5 then 4; recency of score 5 ends where score 4 starts
        with form.threshold_ids.edit(0) as line:
            self.assertEqual(line.score, 5)
            line.recency_to = 20
        with form.threshold_ids.edit(1) as line:
            self.assertEqual(line.score, 4)
            line.recency_from = 20
        form.save()
        settings, bounds = self._state()
        self.assertEqual(settings["window_days"], 120)
        self.assertEqual(settings["scoring_method"], "thresholds")
        self.assertEqual(
            (settings["abc_a_percent"], settings["abc_b_percent"], settings["abc_c_percent"]), (70, 20, 10)
        )
        self.assertEqual((settings["dormancy_factor"], settings["dormancy_ceiling_days"]), (2.5, 400))
        self.assertEqual(bounds["recency"][-1], 20, "score 5 up to 20 days")

    def test_bad_input_refused_and_nothing_written(self):
        before = self._state()
        cases = [
            ({"window_days": 0}, None, "between 1 and 3650 days, not 0"),
            ({"window_days": 4000}, None, "between 1 and 3650 days, not 4000"),
            ({"abc_a_percent": 70, "abc_b_percent": 15}, None, "must add up to 100, not 90"),
            ({"abc_a_percent": 110, "abc_b_percent": -15}, None, "cannot be negative"),
            ({"dormancy_factor": 0}, None, "dormancy factor must be above 0"),
            ({"dormancy_ceiling_days": -1}, None, "dormancy ceiling cannot be negative"),
            ({"win_back_activity_cap": -5}, None, "cannot be negative \\(-5\\)"),
            ({"window_days": 200}, (3, "monetary_from", 800), "Monetary thresholds overlap"),
            ({"window_days": 200}, (1, "recency_from", 200), "Recency thresholds have a gap"),
        ]
        for values, line_change, message in cases:
            with self.subTest(values=values, line=line_change):
                form = self._form()
                form.scoring_method = "thresholds"
                for name, value in values.items():
                    setattr(form, name, value)
                if line_change:
                    index, name, value = line_change
                    with form.threshold_ids.edit(index) as line:
                        setattr(line, name, value)
                with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                    form.save()
                self.assertEqual(self._state(), before, "nothing of the form is written")

    def test_sales_manager_reads_only(self):
        before = self._state()
        form = self._form(self.sp_users["manager"])
        self.assertEqual(form.window_days, before[0]["window_days"])
        form.window_days = 30
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            form.save()
        self.assertEqual(self._state(), before)
