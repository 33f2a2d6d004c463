FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY processes ./processes
COPY workers ./workers
ENV NODE_ENV=production
EXPOSE 8080
CMD ["node", "--import", "tsx", "src/main.ts"]
