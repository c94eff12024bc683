# Shortcuts for the scripts the README names. Each installs what it needs first.
.PHONY: run test test-windows check-macos bench bench-fleet mutants package icons deps test-deps sandbox
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
test-windows:
	bash scripts/test-windows.sh
check-macos:
	bash scripts/check-macos.sh
bench:
	bash scripts/bench.sh
bench-fleet:
	cargo build --release --locked -p agent-bench
	target/release/agent-bench fleet
mutants:
	bash scripts/mutants.sh
package:
	bash scripts/package.sh
icons:
	bash scripts/icons.sh
deps:
	bash scripts/install-deps.sh build
test-deps:
	bash scripts/install-deps.sh test
sandbox:
	cargo run --release -p exotel-sandbox -- --port 8787
