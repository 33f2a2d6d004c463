# The service image: API (`node --import tsx src/main.ts`) and worker (`… workers/main.ts`).
# Stage 1 builds the web app (esbuild and the bpmn.io libraries are dev dependencies).
FROM node:20-bookworm-slim AS web
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY web ./web
RUN npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 (embedded profile) compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY workers ./workers
COPY processes ./processes
COPY --from=web /app/web/dist ./web/dist
ENV NODE_ENV=production
EXPOSE 8080
USER node
CMD ["node", "--import", "tsx", "src/main.ts"]
