-- CreateEnum
CREATE TYPE "ExperimentType" AS ENUM ('offline', 'random', 'grid');

-- CreateEnum
CREATE TYPE "ExperimentState" AS ENUM ('active', 'deleted');

-- CreateEnum
CREATE TYPE "ParameterType" AS ENUM ('double', 'int', 'categorical');

-- CreateEnum
CREATE TYPE "MetricObjective" AS ENUM ('maximize', 'minimize');

-- CreateEnum
CREATE TYPE "MetricStrategy" AS ENUM ('optimize', 'constraint', 'store');

-- CreateEnum
CREATE TYPE "SuggestionState" AS ENUM ('open', 'closed');

-- CreateTable
CREATE TABLE "clients" (
    "id" BIGSERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tokens" (
    "id" BIGSERIAL NOT NULL,
    "client_id" BIGINT NOT NULL,
    "digest" CHAR(64) NOT NULL,
    "hint" VARCHAR(16) NOT NULL,
    "development" BOOLEAN NOT NULL DEFAULT false,
    "admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiments" (
    "id" BIGSERIAL NOT NULL,
    "client_id" BIGINT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "type" "ExperimentType" NOT NULL DEFAULT 'offline',
    "state" "ExperimentState" NOT NULL DEFAULT 'active',
    "development" BOOLEAN NOT NULL DEFAULT false,
    "observation_budget" INTEGER,
    "parallel_bandwidth" INTEGER,
    "num_solutions" INTEGER,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "parameters" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "type" "ParameterType" NOT NULL,
    "bounds_min" DOUBLE PRECISION,
    "bounds_max" DOUBLE PRECISION,
    "categorical_values" TEXT[],
    "grid" DOUBLE PRECISION[],
    "log_scale" BOOLEAN NOT NULL DEFAULT false,
    "default_value" JSONB,
    "precision" INTEGER,

    CONSTRAINT "parameters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metrics" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" VARCHAR(100),
    "objective" "MetricObjective" NOT NULL DEFAULT 'maximize',
    "strategy" "MetricStrategy" NOT NULL DEFAULT 'optimize',
    "threshold" DOUBLE PRECISION,

    CONSTRAINT "metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suggestions" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" BIGINT NOT NULL,
    "assignments" JSONB NOT NULL,
    "metadata" JSONB,
    "state" "SuggestionState" NOT NULL DEFAULT 'open',
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "source" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queued_suggestions" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" BIGINT NOT NULL,
    "assignments" JSONB NOT NULL,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consumed_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "queued_suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observations" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" BIGINT NOT NULL,
    "suggestion_id" BIGINT,
    "assignments" JSONB NOT NULL,
    "failed" BOOLEAN NOT NULL DEFAULT false,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "observations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observation_values" (
    "observation_id" BIGINT NOT NULL,
    "metric_id" BIGINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "value_stddev" DOUBLE PRECISION,

    CONSTRAINT "observation_values_pkey" PRIMARY KEY ("observation_id","metric_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "clients_name_key" ON "clients"("name");

-- CreateIndex
CREATE UNIQUE INDEX "tokens_digest_key" ON "tokens"("digest");

-- CreateIndex
CREATE INDEX "tokens_client_id_id_idx" ON "tokens"("client_id", "id");

-- CreateIndex
CREATE INDEX "experiments_client_id_state_id_idx" ON "experiments"("client_id", "state", "id");

-- CreateIndex
CREATE UNIQUE INDEX "parameters_experiment_id_name_key" ON "parameters"("experiment_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "metrics_experiment_id_name_key" ON "metrics"("experiment_id", "name");

-- CreateIndex
CREATE INDEX "suggestions_experiment_id_id_idx" ON "suggestions"("experiment_id", "id");

-- CreateIndex
CREATE INDEX "suggestions_experiment_id_state_deleted_idx" ON "suggestions"("experiment_id", "state", "deleted");

-- CreateIndex
CREATE INDEX "queued_suggestions_experiment_id_id_idx" ON "queued_suggestions"("experiment_id", "id");

-- CreateIndex
CREATE INDEX "observations_experiment_id_deleted_at_id_idx" ON "observations"("experiment_id", "deleted_at", "id");

-- CreateIndex
CREATE INDEX "observations_suggestion_id_idx" ON "observations"("suggestion_id");

-- CreateIndex
CREATE INDEX "observation_values_metric_id_idx" ON "observation_values"("metric_id");

-- AddForeignKey
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queued_suggestions" ADD CONSTRAINT "queued_suggestions_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_suggestion_id_fkey" FOREIGN KEY ("suggestion_id") REFERENCES "suggestions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation_values" ADD CONSTRAINT "observation_values_observation_id_fkey" FOREIGN KEY ("observation_id") REFERENCES "observations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observation_values" ADD CONSTRAINT "observation_values_metric_id_fkey" FOREIGN KEY ("metric_id") REFERENCES "metrics"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Checks that Prisma cannot express. Postgres float8 accepts 'NaN', 'Infinity'
-- and '-Infinity'; NaN sorts above every number, so "x > '-Infinity' AND
-- x < 'Infinity'" holds exactly for finite x. For arrays, Postgres treats NaN
-- as equal to NaN, so an overlap (&&) with the three special values finds them.

-- AddCheck
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_observation_budget_check" CHECK ("observation_budget" IS NULL OR "observation_budget" > 0);

-- AddCheck
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_parallel_bandwidth_check" CHECK ("parallel_bandwidth" IS NULL OR "parallel_bandwidth" > 0);

-- AddCheck
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_num_solutions_check" CHECK ("num_solutions" IS NULL OR "num_solutions" > 0);

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_position_check" CHECK ("position" >= 0);

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_bounds_min_check" CHECK ("bounds_min" IS NULL OR ("bounds_min" > '-Infinity' AND "bounds_min" < 'Infinity'));

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_bounds_max_check" CHECK ("bounds_max" IS NULL OR ("bounds_max" > '-Infinity' AND "bounds_max" < 'Infinity'));

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_bounds_order_check" CHECK ("bounds_min" IS NULL OR "bounds_max" IS NULL OR "bounds_min" < "bounds_max");

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_grid_check" CHECK ("grid" IS NULL OR (array_position("grid", NULL) IS NULL AND NOT ("grid" && ARRAY['NaN', 'Infinity', '-Infinity']::DOUBLE PRECISION[])));

-- AddCheck
ALTER TABLE "parameters" ADD CONSTRAINT "parameters_categorical_values_check" CHECK ("categorical_values" IS NULL OR array_position("categorical_values", NULL) IS NULL);

-- AddCheck
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_position_check" CHECK ("position" >= 0);

-- AddCheck
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_threshold_check" CHECK ("threshold" IS NULL OR ("threshold" > '-Infinity' AND "threshold" < 'Infinity'));

-- AddCheck
ALTER TABLE "observation_values" ADD CONSTRAINT "observation_values_value_check" CHECK ("value" > '-Infinity' AND "value" < 'Infinity');

-- AddCheck
ALTER TABLE "observation_values" ADD CONSTRAINT "observation_values_value_stddev_check" CHECK ("value_stddev" IS NULL OR ("value_stddev" >= 0 AND "value_stddev" < 'Infinity'));
