#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ (clang++-14, ASan + UBSan) into build/fuzz/, runs each
# for FUZZ_SECONDS from a copy of its committed corpus (tests/corpus/<name>/), prints a summary and
# exits non-zero when a target crashes (the crash file is named in the output).
#   scripts/fuzz.sh [target...]      targets are file names without _fuzz.cc; default: all
# Environment: FUZZ_SECONDS (60), FUZZ_JOBS (2, parallel compiles), CXX (clang++-14),
# FUZZ_MAX_LEN (4096), FUZZ_BUILD_ONLY=1 (build, do not run).
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${CXX:-clang++-14}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
MAX_LEN=${FUZZ_MAX_LEN:-4096}
OUT=build/fuzz
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (make deps installs clang-14)"; exit 2; }
CCACHE=$(command -v ccache || true)

FLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=undefined -Isrc)
LIBS=(-lboost_json -lboost_url -lfmt -lspdlog -lyaml-cpp -lzip -lpugixml -ltomlplusplus -lsodium
      -lsqlite3 -lpq -lssl -lcrypto -lpthread)

# The sources the targets share, compiled once into one archive; each target links what it uses.
SHARED=(src/common/*.cc src/domain/*.cc src/openapi/*.cc src/http/h1/*.cc
        src/http/rest_router.cc src/http/multipart.cc src/crypto/base64url.cc src/crypto/jwk.cc
        src/crypto/jwt.cc src/crypto/random.cc src/gateway/xml_json.cc src/gateway/payload.cc
        src/archive/zip.cc src/publisher/operation_policies.cc src/analytics/segment.cc
        src/analytics/analytics_store.cc src/analytics/histogram.cc
        src/store/sqlite/sqlite_connection.cc src/store/copy/endpoint.cc)

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/corpus" "$OUT/crashes" "$OUT/logs"

# An object is rebuilt when its source or any header under src/ is newer.
newest_header=$(find src -name '*.h' -printf '%T@\n' | sort -n | tail -1)
stale=()
for src in "${SHARED[@]}"; do
  obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.cc$/.o/')"
  if [[ ! -f $obj || $src -nt $obj ]] ||
     awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN{exit !(h > o)}'; then
    stale+=("$src")
  fi
done
if ((${#stale[@]})); then
  echo "fuzz: compiling ${#stale[@]} shared sources (-j$JOBS)"
  printf '%s\n' "${stale[@]}" | xargs -P "$JOBS" -I{} sh -c \
    'o='"$OUT"'/obj/$(echo {} | tr / _ | sed "s/\.cc$/.o/"); '"$CCACHE $CXX ${FLAGS[*]}"' -fsanitize=fuzzer-no-link -c {} -o "$o" || { echo "fuzz: failed: {}"; exit 255; }'
  rm -f "$OUT/libarchway_fuzz.a"
fi
objs=()
for src in "${SHARED[@]}"; do objs+=("$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.cc$/.o/')"); done
[[ -f $OUT/libarchway_fuzz.a ]] || ar rcs "$OUT/libarchway_fuzz.a" "${objs[@]}"

targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" _fuzz.cc)"); done
fi

for t in "${targets[@]}"; do
  bin="$OUT/bin/${t}_fuzz"
  if [[ ! -x $bin || tests/fuzz/${t}_fuzz.cc -nt $bin || $OUT/libarchway_fuzz.a -nt $bin ]]; then
    echo "fuzz: linking $bin"
    $CXX "${FLAGS[@]}" -I/usr/include/postgresql -fsanitize=fuzzer "tests/fuzz/${t}_fuzz.cc" "$OUT/libarchway_fuzz.a" \
      "${LIBS[@]}" -o "$bin"
  fi
done
[[ ${FUZZ_BUILD_ONLY:-0} == 1 ]] && exit 0

summary=()
failed=0
for t in "${targets[@]}"; do
  corpus="$OUT/corpus/$t"
  mkdir -p "$corpus" "$OUT/crashes/$t"
  # The committed seeds are copied; what the run finds stays in build/fuzz, never in the repository.
  if [[ $t == http1 ]]; then  # raw messages, shared with the differential test: add the control bytes
    for f in tests/corpus/http1/*.http; do
      [[ -f $corpus/$(basename "$f") ]] || { printf '\000\200'; cat "$f"; } >"$corpus/$(basename "$f")"
    done
  elif [[ -d tests/corpus/$t ]]; then
    find "tests/corpus/$t" -type f ! -name README.md ! -name '*.py' -exec cp -n -t "$corpus" {} +
  fi
  log="$OUT/logs/$t.log"
  echo "fuzz: running $t for ${SECONDS_PER_TARGET}s"
  start=$(date +%s)
  set +e
  "$OUT/bin/${t}_fuzz" -max_total_time="$SECONDS_PER_TARGET" -max_len="$MAX_LEN" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t/" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  secs=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  if ((rc == 0)); then
    result=ok
  else
    result="CRASH (rc $rc)"
    failed=1
    crash=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
    echo "fuzz: $t crashed; input: ${crash:-see $log}; log: $log"
    grep -m3 -E 'ERROR: |runtime error|SUMMARY' "$log" || true
  fi
  summary+=("$(printf '%-20s %12s %7s %7s %6s  %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$secs" "$result")")
done

printf '\n%-20s %12s %7s %7s %6s  %s\n' target execs cov ft secs result
printf '%s\n' "${summary[@]}"
exit $failed
