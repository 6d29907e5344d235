#!/usr/bin/env bash
# Checks the protobuf contract (run from anywhere; CI runs it on every push):
#   1. buf lint (STANDARD, see buf.yaml)
#   2. the committed generated code in proto/gen is fresh (regenerates into a temp dir and diffs)
#   3. buf breaking (FILE) against the main branch, when main already has .proto files
#   4. the SOAP XSDs ⇄ proto check (scripts/check-proto-xsd.ts, which reads the XSDs with the SOAP gateway's schema
#      model gateway-soap/src/xsd-model.ts): every XSD element of every v3/v2 operation maps
#      to a proto field whose JSON name equals it, with the XSD's order, type and cardinality
#
# Environment:
#   BREAKING_AGAINST   buf input to compare against (default: '<git dir>#branch=main'); "skip" skips step 3
#   POWERAUTH_XSD_DIR  directory with PowerAuth-3.0.xsd, PowerAuth-3.1-additions-0.23.3.xsd, PowerAuth-2.0.xsd
#                      (default: gateway-soap/xsd/reference, the original schemas kept in the repo)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# local toolchain first: buf, protoc-gen-es and the pinned Node 24 (type stripping) from node_modules
export PATH="$root/node_modules/.bin:$PATH"

for tool in buf protoc-gen-es node; do
  command -v "$tool" >/dev/null || { echo "check-proto: $tool not found (run npm ci)" >&2; exit 1; }
done

failed=0
step() { printf '\n== %s\n' "$*"; }

step "buf lint"
if buf lint; then echo "ok"; else failed=1; fi

step "generated code is fresh (proto/gen)"
# The temp dir lives under node_modules so that the generated modules resolve @bufbuild/protobuf when the XSD
# check below imports them (it checks the .proto sources as they are now, not the committed proto/gen).
mkdir -p node_modules/.cache
tmp="$(mktemp -d "$root/node_modules/.cache/check-proto.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
fresh=""
# --output prefixes the template's out dir (proto/gen), so this writes to $tmp/proto/gen
if buf generate --output "$tmp"; then
  fresh="$tmp/proto/gen"
  if diff -rq "$fresh" proto/gen >"$tmp/gen.diff" 2>&1; then
    echo "ok"
  else
    sed "s|$tmp/|(regenerated) |" "$tmp/gen.diff"
    diff -r "$fresh" proto/gen | grep -v "^Only in" | cut -c1-160 | head -n 40 || true
    echo "proto/gen is stale: run 'npx buf generate' and commit the result" >&2
    failed=1
  fi
else
  failed=1
fi

step "buf breaking"
against="${BREAKING_AGAINST:-}"
if [ "$against" = "skip" ]; then
  echo "skipped (BREAKING_AGAINST=skip)"
elif [ -n "$against" ]; then
  if buf breaking --against "$against"; then echo "ok"; else failed=1; fi
elif ! git rev-parse --verify -q refs/heads/main >/dev/null; then
  echo "skipped: no local branch 'main' to compare against"
elif [ -z "$(git ls-tree -r --name-only refs/heads/main -- proto | grep '\.proto$' || true)" ]; then
  echo "skipped: branch 'main' has no .proto files yet (first contract commit)"
else
  gitdir="$(git rev-parse --path-format=absolute --git-common-dir)"
  if buf breaking --against "${gitdir}#branch=main"; then echo "ok"; else failed=1; fi
fi

step "XSD ⇄ proto mapping"
if [ -z "$fresh" ]; then
  echo "skipped: code generation failed"
elif PROTO_GEN_DIR="$fresh" node scripts/check-proto-xsd.ts; then :; else failed=1; fi

echo
if [ "$failed" -ne 0 ]; then
  echo "check-proto: FAILED" >&2
  exit 1
fi
echo "check-proto: all checks passed"
