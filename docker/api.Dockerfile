# The api image: the HTTP API (`npm run api`) bundled into one JavaScript file, on Node alone.
# Build it with docker/build.sh, which tags it <version>-<git sha> (never latest); see docker/README.md.
# The same image runs the one-shot `bootstrap` command (DynamoDB tables, PostgreSQL migrations).

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

# ---- build: the app and the libraries it imports, bundled by esbuild into /out/main.js (each
# project's tsconfig.json comes along: esbuild compiles every file with its own).
FROM deps AS build
COPY tsconfig.base.json ./
COPY libs libs
COPY apps/api/tsconfig.json apps/api/
COPY apps/api/src apps/api/src
COPY docker/bundle.mjs docker/
RUN node docker/bundle.mjs api /out

# ---- runtime: Node, the bundle and the contracts; no node_modules, no npm install, no devDependencies.
FROM node:20.20.2-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="ivm-api" \
      org.opencontainers.image.description="IVM runtime: the HTTP API (and its one-shot bootstrap command)"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    IVM_CONTRACTS_DIR=/app/contracts
WORKDIR /app
# Owned by root and read-only to the process: the image's code and contracts cannot be changed by it.
COPY --from=build /out/main.js ./main.js
COPY contracts ./contracts
# The base image's `node` user, by number so an orchestrator can verify it is not root.
USER 1000:1000
EXPOSE 3000
# Ready: the process answers and its stores (DynamoDB tables, PostgreSQL) are reachable. No curl in
# a slim image: Node's own fetch does the request.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 (or the child of compose's `init: true`) and gets SIGTERM itself, which
# closes the server and the engines gracefully.
ENTRYPOINT ["node", "/app/main.js"]
CMD ["api"]
