#!/bin/sh
# Lays out one runnable tree per service from a built, pruned checkout:
#   <out>/<service>/app/node_modules            root production dependencies (@plaza/* links kept for shared and the service)
#   <out>/<service>/app/shared/{package.json,dist,node_modules}
#   <out>/<service>/app/<dir>/{package.json,dist,node_modules[,supergraph.graphql]}
#   <out>/<service>/app/main.js -> <dir>/dist/index.js
set -eu
src=$1 out=$2
for service in gateway sessions issues volunteering; do
  if [ "$service" = gateway ]; then dir=gateway; else dir=services/$service; fi
  dest=$out/$service/app
  mkdir -p "$dest/shared" "$dest/$dir"
  # Hard links: four trees for the price of one in the build stage's layer (every layer is a full
  # copy under buildah's vfs storage); each runtime image's COPY takes real files out of it.
  cp -al "$src/node_modules" "$dest/node_modules"
  # Only shared and this package stay linked; the other workspaces are not in this image.
  for link in "$dest"/node_modules/@plaza/*; do
    case "$(basename "$link")" in shared|"$service") ;; *) rm -f "$link" ;; esac
  done
  for pkg in shared "$dir"; do
    cp -a "$src/$pkg/package.json" "$src/$pkg/dist" "$dest/$pkg/"
    # A workspace's own node_modules holds the versions that differ from the root's.
    if [ -d "$src/$pkg/node_modules" ]; then cp -al "$src/$pkg/node_modules" "$dest/$pkg/"; fi
  done
  if [ "$service" = gateway ]; then cp -a "$src/gateway/supergraph.graphql" "$dest/gateway/"; fi
  ln -s "$dir/dist/index.js" "$dest/main.js"
  # Test files and source maps are not run.
  find "$dest/shared/dist" "$dest/$dir/dist" \( -name '*.test.js' -o -name '*.test.d.ts' -o -name '*.map' \) -delete
done
