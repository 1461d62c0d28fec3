# Shortcuts for the scripts in scripts/ (which work without make, too).
.PHONY: demo check setup
demo:
	scripts/demo
check:
	scripts/check
setup:
	scripts/setup test
