# Archway: `make run` and `make test` install what is missing, build, then run.
BUILD_DIR ?= build
PRESET    ?= release
JOBS      ?= 2
DATA_DIR  ?= ./data

.PHONY: all packages deps web build server run test bench asan asan-unit fuzz format lint clean

all: build

# Installs the Debian packages listed in packages.txt that are not installed yet (needs root or sudo).
packages:
	@missing=$$(grep -vE '^\s*(#|$$)' packages.txt | while read -r p; do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

deps: packages
	@# the independent OpenAPI validator the integration tests run on exported definitions
	@if [ ! -d tools/openapi-check/node_modules ]; then \
	  command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }; \
	  (cd tools/openapi-check && npm ci --no-audit --no-fund); \
	fi

# The web portals (web/dist), rebuilt only when their sources or lockfile changed.
web: deps
	tools/build-web.sh

build: deps web
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

# Only the server binary (with the web portals embedded), not the test targets.
server: deps web
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS) --target archway

run: server
	./$(BUILD_DIR)/$(PRESET)/archway serve --data-dir $(DATA_DIR)

# The whole suite, then the unit tests again under the sanitizers (asan-unit).
test: build
	ctest --preset $(PRESET) -j $(JOBS)
	$(MAKE) --no-print-directory asan-unit

bench: build
	bench/run.sh ./$(BUILD_DIR)/$(PRESET)/archway

# Everything (the server, every test) under ASan + UBSan (+ LeakSanitizer), in build/asan.
asan: deps web
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# Only the unit tests (CTest label `unit`: parsers, decoders, the gateway's pieces, the store on
# SQLite and on a PostgreSQL server they start) under ASan + UBSan + LeakSanitizer, in build/asan.
# Builds their targets alone: neither the server nor the web portals (their tests embed their own).
ASAN_UNIT_TARGETS = archway_unit_tests archway_store_tests archway_postgres_tests
asan-unit: packages
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS) --target $(ASAN_UNIT_TARGETS)
	ctest --preset asan -L unit -j $(JOBS)

# Every libFuzzer target in tests/fuzz for FUZZ_SECONDS each (default 60), from tests/corpus/<target>;
# builds into build/fuzz, fails when a target crashes. FUZZ_TARGETS="jwt multipart" runs only those.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: packages
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(JOBS) scripts/fuzz.sh $(FUZZ_TARGETS)

format:
	find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

lint:
	cd web && npm run lint
	cmake --preset $(PRESET) >/dev/null
	find src/gateway src/http -name '*.cc' | xargs clang-tidy -p $(BUILD_DIR)/$(PRESET) --quiet

clean:
	rm -rf $(BUILD_DIR)
