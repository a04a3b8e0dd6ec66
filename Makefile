# The two commands of the README:
#   make demo   sets up the machine, builds abmsync and runs the demo
#   make test   sets up the machine and runs the whole test suite
.PHONY: demo test build setup bench

setup:
	./scripts/setup.sh

build: setup
	swift build

demo: build
	./scripts/demo.sh

test: setup
	swift build --build-tests
	swift test --skip-build
