# otpgateway container image.
#
#   docker build -t otpgateway .
#   docker run -p 9000:9000 -v "$PWD/config.toml:/app/config.toml:ro" otpgateway
#
# Configuration: /app/config.toml (mount it), or --config FILE after the image
# name, or OTP_GATEWAY_<SECTION>__<KEY> environment variables. Without any
# config it runs on the embedded development defaults (memory store, log provider).

# ---- build: install everything, compile, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The lockfile first, so the dependency layer is cached until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: the compiled server, production dependencies and its assets ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    OTP_GATEWAY_APP__ADDRESS=0.0.0.0:9000
WORKDIR /app
COPY --from=build /app/package.json /app/config.sample.toml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/templates ./templates
COPY --from=build /app/views ./views
COPY --from=build /app/static ./static
# The image's files stay root-owned and read-only to the server, which runs as `node` (uid 1000).
USER node
EXPOSE 9000
# Slim images have no curl: ask /api/health with node itself, on the port of OTP_GATEWAY_APP__ADDRESS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "const a=process.env.OTP_GATEWAY_APP__ADDRESS||'0.0.0.0:9000';require('http').get({host:'127.0.0.1',port:a.slice(a.lastIndexOf(':')+1),path:'/api/health',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]
# SIGTERM (docker stop) lets in-flight requests finish and closes Redis before exiting 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli.js"]
