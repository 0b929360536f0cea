#!/usr/bin/env bash
# Packs the project as npm would publish it, installs the tarball into an empty project, and
# uses it the two ways another service would: the library import and the kafka-ops bin. First
# the packed file list is checked (devtools/check-packed-files.ts): a test double that ships fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node22=$root/node_modules/.bin/node
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
# What ships (dist/ as prepack just built it): only the runtime, no test double, nothing shipped
# importing a module that was left out.
npm pack --dry-run --json --silent --ignore-scripts | "$node22" devtools/check-packed-files.ts
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "./$tarball" >/dev/null 2>&1
PATH=$(dirname "$node22"):$PATH

fixture=$root/fixtures/incidents/lag-poison-message-1.json
primary=$(node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  const { investigate } = await import('kafka-ops-agents');
  const r = await investigate(JSON.parse(readFileSync('$fixture', 'utf8')));
  console.log(r.primary);
")
[ "$primary" = "lag.poison_message" ] || { echo "package smoke: library gave '$primary'"; exit 1; }
bin_primary=$(./node_modules/.bin/kafka-ops investigate "$fixture" --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).primary))")
[ "$bin_primary" = "lag.poison_message" ] || { echo "package smoke: bin gave '$bin_primary'"; exit 1; }
echo "package smoke: library and bin of $tarball work from node_modules"
