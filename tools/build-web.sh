#!/usr/bin/env bash
# Builds the web portals into web/dist (embedded into the server by the CMake build), skipping npm
# when the lockfile and the sources are unchanged since the last run.
set -euo pipefail
cd "$(dirname "$0")/../web"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.archway-lock ] || [ "$(cat node_modules/.archway-lock)" != "$lock_hash" ]; then
  echo "web: installing npm packages (package-lock.json changed)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.archway-lock
fi
# What the build reads: everything but dependencies, output, tests and test helpers.
src_hash=$(find . \( -path ./node_modules -o -path ./dist -o -path ./e2e -o -path ./shared/test \) -prune -o \
             -type f ! -name '*.test.ts' ! -name '*.test.tsx' -print | LC_ALL=C sort | xargs sha256sum | sha256sum |
           cut -d' ' -f1)
if [ -f dist/.source-hash ] && [ "$(cat dist/.source-hash)" = "$src_hash" ]; then
  echo "web: portals up to date"
  exit 0
fi
npm run build --silent
echo "$src_hash" > dist/.source-hash
