// Names for the wire objects, from the types generated out of openapi/openapi.json.
import type * as Api from './generated/openapi.ts';

export type { Api };
export type Routes = Api.Routes;

/** An experiment as the server sends it (the `Experiment` class is a handle on one). */
export type ExperimentData = Api.Experiment;
export type ExperimentFields = Api.ExperimentCreateInput;
export type ExperimentUpdate = Api.ExperimentUpdateInput;
export type Suggestion = Api.Suggestion;
export type QueuedSuggestion = Api.QueuedSuggestion;
export type Observation = Api.Observation;
export type ObservationFields = Api.ObservationCreateInput;
export type ObservationUpdate = Api.ObservationUpdateInput;
export type BestAssignments = Api.BestAssignments;
export type Progress = Api.Progress;
export type Token = Api.Token;
export type Metadata = Api.MetadataInput;
/** Parameter name to value: a number, or the category's name. */
export type Assignments = Record<string, number | string>;
/** One metric's result, as an observation lists it. */
export type MetricValue = NonNullable<Api.ObservationCreateInput['values']>[number];

/**
 * A result: the value of the one metric, the values of several by name
 * (`{ accuracy: 0.91, latency: 12 }`), or the wire's list of metric evaluations.
 */
export type Result = number | Readonly<Record<string, number>> | readonly MetricValue[];

/** An object id: the server's string of digits, a number, or an object that has one. */
export type Ref = string | number | { readonly id: string | number };
