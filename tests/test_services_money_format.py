"""Unit tests of the XLSX money formats, without Odoo."""

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "addons/sales_plus/services/money_format.py"
_SPEC = importlib.util.spec_from_file_location("money_format", _PATH)
mf = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(mf)


def test_symbol_before_quoted_with_the_currency_decimals():
    assert mf.xlsx_currency_format("¥", "before", 2) == '"¥"#,##0.00'
    assert mf.xlsx_currency_format("$", "before", 2) == '"$"#,##0.00'


def test_currency_without_decimals_has_no_decimal_point():
    assert mf.xlsx_currency_format("NT$", "before", 0) == '"NT$"#,##0'


def test_symbol_after():
    assert mf.xlsx_currency_format("€", "after", 2) == '#,##0.00 "€"'


def test_no_symbol_and_no_quote_inside_the_literal():
    assert mf.xlsx_currency_format("", "before", 3) == "#,##0.000"
    assert mf.xlsx_currency_format('a"b', "before", 2) == '"ab"#,##0.00'


def test_wan_units_by_default_for_chinese_readers_only():
    assert mf.wan_units_default("zh_CN")
    assert mf.wan_units_default("zh_TW")
    assert not mf.wan_units_default("en_US")
    assert not mf.wan_units_default(False)


def test_one_unit_per_column_from_its_largest_value():
    # "$ 24.96万" and "$ 0.05万" in one column, never "$ 24.96万" beside "$ 510.00"
    assert mf.column_unit([249600, 510], True) == 10000
    assert mf.column_unit([510, -249600], True) == 10000
    assert mf.column_unit([9999.99, 510], True) == 1
    assert mf.column_unit([249600, 510], False) == 1


def test_column_unit_skips_missing_values():
    assert mf.column_unit([False, None, 12000], True) == 10000
    assert mf.column_unit([False, None], True) == 1
    assert mf.column_unit([], True) == 1
