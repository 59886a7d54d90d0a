-- AlterEnum
ALTER TYPE "SuggestionState" ADD VALUE 'expired';

-- AlterTable
ALTER TABLE "experiments" ADD COLUMN     "suggestion_lease_seconds" INTEGER;

-- AlterTable
ALTER TABLE "suggestions" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "open_key" TEXT,
ADD COLUMN     "retry_of" BIGINT;

-- CreateTable
CREATE TABLE "suggestion_pools" (
    "experiment_id" BIGINT NOT NULL,
    "version" INTEGER NOT NULL,
    "candidates" JSONB NOT NULL,
    "next" INTEGER NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suggestion_pools_pkey" PRIMARY KEY ("experiment_id")
);

-- CreateIndex
CREATE INDEX "suggestions_experiment_id_lease_expires_at_idx" ON "suggestions"("experiment_id", "lease_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "suggestions_experiment_id_open_key_key" ON "suggestions"("experiment_id", "open_key");

-- AddForeignKey
ALTER TABLE "suggestion_pools" ADD CONSTRAINT "suggestion_pools_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Checks that Prisma cannot express.
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_suggestion_lease_seconds_check" CHECK ("suggestion_lease_seconds" IS NULL OR "suggestion_lease_seconds" > 0);

ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_attempt_check" CHECK ("attempt" >= 1);

ALTER TABLE "suggestion_pools" ADD CONSTRAINT "suggestion_pools_next_check" CHECK ("next" >= 0);
