# The service image: API (`node --import tsx src/main.ts`) and worker (`… workers/main.ts`).
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 (embedded profile) compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY workers ./workers
COPY processes ./processes
ENV NODE_ENV=production
EXPOSE 8080
USER node
CMD ["node", "--import", "tsx", "src/main.ts"]
