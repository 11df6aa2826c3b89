#!/usr/bin/env bash
# Renews the screenshots in docs/screenshots from the browser tests, which drive the main pages
# in headless Chromium over the demo records.
set -euo pipefail
cd "$(dirname "$0")/.."
LIAISON_SCREENSHOTS="$PWD/docs/screenshots" cargo test -p liaison --test it browser::
