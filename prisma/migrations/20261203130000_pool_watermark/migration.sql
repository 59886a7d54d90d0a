-- AlterTable
ALTER TABLE "suggestion_pools" ADD COLUMN     "last_observation_id" BIGINT NOT NULL DEFAULT 0;
