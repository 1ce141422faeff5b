# sales_plus: the two commands a newcomer needs (see README).
ODOO_PATH ?= /opt/odoo
export ODOO_PATH

.PHONY: test demo env pot bench screenshots

test:  ## static checks + Odoo tests (demo and no demo) + pytest; last line "N passed, N failed"
	@bash tests/harness.sh test

demo:  ## serve a demo database on http://127.0.0.1:8069
	@bash tests/harness.sh demo

env:   ## only prepare the virtual environment, Debian packages and PostgreSQL
	@bash tests/harness.sh env

pot:   ## regenerate i18n/sales_plus.pot from the code and merge it into zh_CN.po / zh_TW.po
	@bash tests/harness.sh pot

bench: ## run a benchmark: make bench BENCH=rfm (prints its figures)
	@bash tests/harness.sh bench $(BENCH)

screenshots: ## take the README's screenshots from the demo database (docs/screenshots/), as each demo user sees it
	@bash tests/harness.sh screenshots
