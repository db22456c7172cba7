# The worker image: the outbox worker (`npm run worker`) bundled into one JavaScript file, on Node alone.
# Build it with docker/build.sh, which tags it <version>-<git sha> (never latest); see docker/README.md.

# ---- deps: every workspace's dependencies exactly as locked, devDependencies included (esbuild).
# npm ci needs the manifest of every workspace in package-lock.json (npm run check:docker checks the list).
FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY libs/adapters-dynamodb/package.json libs/adapters-dynamodb/
COPY libs/adapters-fs/package.json libs/adapters-fs/
COPY libs/adapters-opensearch/package.json libs/adapters-opensearch/
COPY libs/adapters-postgres/package.json libs/adapters-postgres/
COPY libs/adapters-webhook/package.json libs/adapters-webhook/
COPY libs/application/package.json libs/application/
COPY libs/domain/package.json libs/domain/
COPY libs/runtime/package.json libs/runtime/
COPY libs/sdk/package.json libs/sdk/
COPY tools/bench/package.json tools/bench/
COPY tools/codegen/package.json tools/codegen/
COPY tools/contracts/package.json tools/contracts/
COPY tools/datagen/package.json tools/datagen/
COPY tools/docker-check/package.json tools/docker-check/
COPY tools/packages/package.json tools/packages/
# No install scripts: nothing the bundle needs runs one (esbuild finds its binary package by itself).
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- build: the worker and the libraries it imports, bundled by esbuild into /out/main.js (each
# project's tsconfig.json comes along: esbuild compiles every file with its own).
FROM deps AS build
COPY tsconfig.base.json ./
COPY libs libs
COPY apps/worker/tsconfig.json apps/worker/
COPY apps/worker/src apps/worker/src
COPY docker/bundle.mjs docker/
RUN node docker/bundle.mjs worker /out

# ---- runtime: Node, the bundle and the contracts; no node_modules, no npm install, no devDependencies.
FROM node:20.20.2-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="ivm-worker" \
      org.opencontainers.image.description="IVM runtime: the outbox worker"
# WORKER_HOST 0.0.0.0: /metrics can be scraped from outside the container.
ENV NODE_ENV=production \
    WORKER_HOST=0.0.0.0 \
    WORKER_PORT=3001 \
    IVM_CONTRACTS_DIR=/app/contracts
WORKDIR /app
# Owned by root and read-only to the process: the image's code and contracts cannot be changed by it.
COPY --from=build /out/main.js ./main.js
COPY contracts ./contracts
# The base image's `node` user, by number so an orchestrator can verify it is not root.
USER 1000:1000
EXPOSE 3001
# Healthy: the worker runtime runs and is not stopping (its /healthz). No curl in a slim image:
# Node's own fetch does the request.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_PORT || 3001) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 (or the child of compose's `init: true`) and gets SIGTERM itself: it stops
# claiming, finishes or releases its tasks within IVM_WORKER_SHUTDOWN_GRACE_MS and exits 0.
ENTRYPOINT ["node", "/app/main.js"]
