#!/usr/bin/env bash
# Builds the api and worker images, tagged <version>-<git sha>: the version from the root
# package.json, the short commit from git (with -dirty appended when the work tree has uncommitted
# changes or untracked files, so such an image never passes for the commit). Never `latest`.
#
#   docker/build.sh               build ivm-api:<tag> and ivm-worker:<tag>
#   docker/build.sh --print-tag   print the tag only (builds nothing, needs no Docker)
#
# Then: export IVM_IMAGE_TAG=<tag> (the script prints the line) and
# docker compose -f docker/compose.yaml up. Extra arguments go to both `docker build` calls
# (e.g. --platform linux/arm64, --pull, --no-cache).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'docker/build.sh: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is required (it reads the version from package.json)"
version=$(node -p 'require("./package.json").version')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "package.json version '$version' is not a semantic version"

command -v git >/dev/null || die "git is required (the tag names the commit)"
sha=$(git rev-parse --short HEAD 2>/dev/null) || die "not a git checkout with a commit: the tag needs one"
revision=$(git rev-parse HEAD)
dirty=""
[ -z "$(git status --porcelain)" ] || dirty="-dirty"
tag="${version}-${sha}${dirty}"
# Docker tags: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; ours must never be latest.
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "'$tag' is not a valid image tag"
[ "$tag" != latest ] || die "refusing to tag latest"

if [ "${1:-}" = --print-tag ]; then
  printf '%s\n' "$tag"
  exit 0
fi

command -v docker >/dev/null || die "docker is required to build the images"
[ -z "$dirty" ] || printf 'docker/build.sh: uncommitted changes: tagging %s\n' "$tag" >&2

for app in api worker; do
  printf '\n==> ivm-%s:%s\n' "$app" "$tag"
  docker build \
    --file "docker/$app.Dockerfile" \
    --tag "ivm-$app:$tag" \
    --label "org.opencontainers.image.version=$tag" \
    --label "org.opencontainers.image.revision=$revision" \
    "$@" \
    .
done

printf '\nBuilt ivm-api:%s and ivm-worker:%s. For docker compose:\nexport IVM_IMAGE_TAG=%s\n' "$tag" "$tag" "$tag"
