# syntax=docker/dockerfile:1
#
# The production image of Grandma's AI Assistant: one image for the front (`node src/main.ts`), the workers
# (`node src/cli/worker.ts`) and the one-shot migrate step (`node src/cli/migrate.ts`).
#
# No build step: the TypeScript sources run as they are on Node 24, which strips the types natively (the code
# uses erasable syntax only, and `npm start`, the workers and the tests run the very same files). The image so
# needs neither the compiler nor any devDependency — `npm ci --omit=dev` is the whole install — and whatever
# files sit next to the sources (the venue seed, the migrations of both dialects) come with `src/` unchanged.
# (`npm run build` still compiles to dist/ for type-checking the emit; the image does not use it.)

# Keep in step with the "node" devDependency in package.json, the Node that `npm start` and the tests run on.
ARG NODE_VERSION=24.21.0

# Stage 1: the production dependencies only, installed exactly as package-lock.json says.
FROM node:${NODE_VERSION}-slim AS dependencies
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime — the dependencies, the sources, and nothing else (no npm cache, no compiler, no tests).
FROM node:${NODE_VERSION}-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json mikro-orm.config.ts ./
# src/ holds the code, the migrations (src/db/migrations/{sqlite,postgresql}) and the venue seed
# (src/tasks/bookings/venues.seed.json), and the intent classifier's weights (src/agent/understanding/intent-model.json).
COPY src ./src
# assets/ holds the fonts the charts are drawn with and the family view's page.
COPY assets ./assets
# The embedded defaults (SQLITE_PATH, WEEKLY_CHART_DIR, LOG_FILE) write under ./data; mount a volume there to keep them.
RUN mkdir -p /app/data && chown node:node /app/data

# The official Node images come with an unprivileged `node` user.
USER node
EXPOSE 3000

# /healthz answers as soon as the process runs, also while it still waits for Postgres, the schema or Redis
# (/readyz says 503 until then). Workers serve it with WORKER_HTTP=true. slim has no curl: Node's fetch checks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The front by default; compose runs the workers and the migrate step from the same image with their own command.
CMD ["node", "src/main.ts"]
