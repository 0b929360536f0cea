#!/usr/bin/env bash
# Regenerates the PATCH answers from deployment.json and patches.json with kubectl's own
# strategic-merge implementation (kubectl patch --local: no cluster needed), then does what the
# API server adds on a write that changes the spec: resourceVersion and generation move on.
# The "start" patch applies to the stopped Deployment (the "stop" answer).
set -euo pipefail
cd "$(dirname "$0")"
patch() { # base, patch name, out
  local body; body=$(node -e 'process.stdout.write(JSON.stringify(require("./patches.json")[process.argv[1]]))' "$2")
  kubectl patch --local -f "$1" --type strategic -p "$body" -o json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);const rv=Number(d.metadata.resourceVersion)+Number(process.argv[1]);d.metadata.resourceVersion=String(rv);d.metadata.generation+=1;process.stdout.write(JSON.stringify(d,null,2)+"\n")})' "$4" > "$3"
}
patch deployment.json scale patched-scale.json 11
patch deployment.json set-env patched-set-env.json 12
patch deployment.json stop patched-stop.json 13
patch patched-stop.json start patched-start.json 14
