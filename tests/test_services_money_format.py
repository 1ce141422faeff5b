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
