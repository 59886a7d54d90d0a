-- CreateEnum
CREATE TYPE "IdempotencyState" AS ENUM ('running', 'done');

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "token_id" BIGINT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'running',
    "response_status" INTEGER,
    "response_body" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("token_id","key")
);

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "tokens"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Checks that Prisma cannot express. A running key has no answer yet; a done
-- key holds one, and never a 5xx, whose retry must run the request again.

-- AddCheck
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_response_check" CHECK (("state" = 'running' AND "response_status" IS NULL AND "response_body" IS NULL) OR ("state" = 'done' AND "response_status" >= 200 AND "response_status" < 500));

-- AddCheck
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_key_check" CHECK ("key" ~ '^[ -~]{1,255}$');
