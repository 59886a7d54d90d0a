# argmax on Node.js 20. `docker compose up` builds this next to Postgres 15.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
COPY tsconfig.json ./
COPY src ./src
EXPOSE 8080
USER node
CMD ["node", "--import", "tsx", "src/server.ts"]
