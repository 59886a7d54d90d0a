-- AlterTable
ALTER TABLE "experiments" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- Pool entries now carry their open key ({"assignments", "key"}); the pool is
-- a cache of the optimizer's work, recomputed on the next request.
DELETE FROM "suggestion_pools";
