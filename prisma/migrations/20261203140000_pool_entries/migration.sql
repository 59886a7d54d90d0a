-- AlterTable
ALTER TABLE "suggestion_pools" DROP COLUMN "candidates",
DROP COLUMN "next";

-- CreateTable
CREATE TABLE "suggestion_pool_entries" (
    "experiment_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "assignments" JSONB NOT NULL,
    "open_key" TEXT NOT NULL,

    CONSTRAINT "suggestion_pool_entries_pkey" PRIMARY KEY ("experiment_id","position")
);

-- AddForeignKey
ALTER TABLE "suggestion_pool_entries" ADD CONSTRAINT "suggestion_pool_entries_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "suggestion_pools"("experiment_id") ON DELETE CASCADE ON UPDATE CASCADE;
