#!/usr/bin/env bash
# Packs every published workspace package, installs the tarballs together into
# an empty project (dependencies from the npm registry) and checks that a user
# outside the checkout can `import { Promptline } from "promptline"` and run
# `npx promptline --help`. Exits non-zero on any failure; prints little.
set -euo pipefail
cd "$(dirname "$0")/.."

# Published = every workspace package that is not "private".
packages=()
for manifest in packages/*/package.json; do
  if [ "$(node -p "require('./$manifest').private === true")" != "true" ]; then
    packages+=("$(dirname "$manifest")")
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$work/log.txt"

fail() {
  echo "packed-tarballs: FAILED: $1" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}

npm run build >"$log" 2>&1 || fail "npm run build"

mkdir -p "$work/tarballs" "$work/project"
for dir in "${packages[@]}"; do
  npm pack --silent --pack-destination "$work/tarballs" "./$dir" >>"$log" 2>&1 || fail "npm pack $dir"
done

cd "$work/project"
printf '{ "name": "empty-project", "private": true, "type": "module" }\n' >package.json
# --ignore-scripts: better-sqlite3 (the server's) would compile SQLite from
# source here (prebuilt binaries come from GitHub), minutes on a small CI
# machine; neither check below loads it (commands load their modules lazily).
npm install --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz >>"$log" 2>&1 \
  || fail "npm install of the tarballs"

node -e "import('promptline').then(m => { if (!m.Promptline) process.exit(1) })" >>"$log" 2>&1 \
  || fail "import('promptline') has no Promptline export"
npx --no-install promptline --help >>"$log" 2>&1 || fail "npx promptline --help"

echo "packed-tarballs: ok (${#packages[@]} packages: ${packages[*]##*/})"
