# camwatch — production image. Node 24 is the current LTS (Node 20 reached end of life in April 2026).
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY bench ./bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
# Debian's ffmpeg is preferred to the npm-shipped static build (found first on PATH); Debian's
# Chromium prints reports to PDF, with DejaVu for the Vietnamese letters.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini chromium fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY config ./config
# The dashboard's page and scripts are served as they are, from their source folder.
COPY src/server/dashboard/public ./src/server/dashboard/public
# The photos the demo's simulated cameras are made from.
COPY test/fixtures/photos ./test/fixtures/photos
ENV NODE_ENV=production CAMWATCH_CONFIG=/etc/camwatch/camwatch.yaml
VOLUME ["/var/lib/camwatch"]
EXPOSE 8080
USER node
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/src/cli.js"]
CMD ["run"]
