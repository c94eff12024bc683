# Shortcuts for the scripts the README names. Each installs what it needs first.
.PHONY: run test test-windows check-macos screenshot bench bench-fleet mutants package package-windows icons deps test-deps sandbox
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
test-windows:
	bash scripts/test-windows.sh
check-macos:
	bash scripts/check-macos.sh
# The README's pictures (docs/window.png, window-stale.png, window-dark.png), from the end-to-end tests' real window.
screenshot:
	cargo build --locked -p exotel-agent-tray -p exotel-agent -p exotel-sandbox
	EXOTEL_UPDATE_SCREENSHOT=1 cargo test --locked -p desktop-e2e --test desktop sign_in_switch_fail_and_sign_out_in_the_real_window
	EXOTEL_UPDATE_SCREENSHOT=1 cargo test --locked -p desktop-e2e --test never_away a_status_exotel_stops_confirming_turns_stale_and_fresh_again
	EXOTEL_UPDATE_SCREENSHOT=1 cargo test --locked -p desktop-e2e --test accessible the_dark_theme_passes_axe_too
bench:
	bash scripts/bench.sh
bench-fleet:
	cargo build --release --locked -p agent-bench
	target/release/agent-bench fleet
mutants:
	bash scripts/mutants.sh
package:
	bash scripts/package.sh
# The Windows MSI (release build, then wixl); signed when SIGN_CERT and SIGN_KEY are set.
package-windows:
	bash scripts/package-windows.sh
icons:
	bash scripts/icons.sh
deps:
	bash scripts/install-deps.sh build
test-deps:
	bash scripts/install-deps.sh test
sandbox:
	cargo run --release -p exotel-sandbox -- --port 8787
