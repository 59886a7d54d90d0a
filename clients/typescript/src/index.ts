// argmax for TypeScript: a client for the argmax optimization server.
//
//   const experiment = await new Client().createOrResume('cnn', { parameters, observation_budget: 40 });
//   for await (const trial of experiment.loop()) await trial.report(train(trial.assignments));

export { Client, type ClientOptions, type ObservationInput, defaultUrl } from './client.ts';
export { ApiError, NetworkError } from './errors.ts';
export { Experiment, type LoopOptions } from './experiment.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
export type { RunOptions, RunSummary, TrialFunction } from './run.ts';
export type { Query, RequestOptions } from './transport.ts';
export { Trial, type ReportOptions } from './trial.ts';
export type * from './types.ts';
export { version } from './version.ts';
