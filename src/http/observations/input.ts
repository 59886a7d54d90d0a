import { badRequest } from '../../errors.ts';
import { checkValues } from '../../domain/metrics.ts';
import { checkAssignments } from '../../domain/space.ts';
import type {
  Assignments,
  ExperimentDef,
  ObservationRecord,
  SuggestionRecord,
} from '../../domain/types.ts';
import type { NewObservation } from '../../store/observations.ts';
import type { ObservationCreate } from './schemas.ts';

// An observation's wire input checked against the experiment: exactly one of
// suggestion or assignments, and values that match the metrics.

export type SuggestionLookup = (id: string) => Promise<SuggestionRecord | null>;

interface Source {
  suggestionId: string | null;
  assignments: Assignments;
}

type SourceInput = Pick<ObservationCreate, 'suggestion' | 'assignments'>;

async function resolveSource(
  experiment: ExperimentDef,
  body: SourceInput,
  findSuggestion: SuggestionLookup,
  field: string,
): Promise<Source> {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const suggestion = body.suggestion ?? null;
  const assignments = body.assignments ?? null;
  if ((suggestion === null) === (assignments === null)) {
    throw badRequest(
      `${field || 'The observation'} must give exactly one of suggestion or assignments.`,
    );
  }
  if (suggestion !== null) {
    const found = await findSuggestion(suggestion);
    if (!found) throw missingSuggestion(experiment.id, suggestion, field);
    return { suggestionId: found.id, assignments: found.assignments };
  }
  const checked = checkAssignments(experiment.parameters, assignments ?? {}, {
    field: at('assignments'),
    strict: false,
  });
  return { suggestionId: null, assignments: checked };
}

/**
 * A new observation's input checked against the experiment. A cited
 * suggestion is not looked up here: the statement that stores the observation
 * takes its assignments, or refuses when it does not exist (see record()).
 */
export function newObservation(
  experiment: ExperimentDef,
  body: ObservationCreate,
  field = '',
): NewObservation {
  const suggestion = body.suggestion ?? null;
  const assignments = body.assignments ?? null;
  if ((suggestion === null) === (assignments === null)) {
    throw badRequest(
      `${field || 'The observation'} must give exactly one of suggestion or assignments.`,
    );
  }
  const checked =
    assignments === null
      ? null
      : checkAssignments(experiment.parameters, assignments, {
          field: field ? `${field}.assignments` : 'assignments',
          strict: false,
        });
  return {
    experimentId: experiment.id,
    suggestionId: suggestion === null ? null : suggestion.replace(/^0+(?=\d)/, ''),
    assignments: checked,
    failed: body.failed === true,
    metadata: body.metadata ?? null,
    values: checkValues(experiment.metrics, body, field ? `${field}.values` : 'values'),
  };
}

/** The message for an observation that cites a suggestion the experiment does not have. */
export const missingSuggestion = (experimentId: string, suggestion: string, field = '') =>
  badRequest(
    `${field ? `${field}.suggestion` : 'suggestion'}: no suggestion ${suggestion} exists in experiment ${experimentId}.`,
  );

/** The observation after a PUT: given fields replace stored ones; the rest stay. */
export async function updatedObservation(
  experiment: ExperimentDef,
  observation: ObservationRecord,
  body: ObservationCreate,
  findSuggestion: SuggestionLookup,
): Promise<ObservationRecord> {
  const sourceGiven = body.suggestion !== undefined || body.assignments !== undefined;
  const source = sourceGiven
    ? await resolveSource(experiment, body, findSuggestion, '')
    : { suggestionId: observation.suggestionId, assignments: observation.assignments };

  const valuesGiven = [body.values, body.value, body.value_stddev, body.failed].some(
    (value) => value !== undefined,
  );
  const failed = valuesGiven ? body.failed === true : observation.failed;
  const values = valuesGiven ? checkValues(experiment.metrics, body) : observation.values;
  return {
    ...observation,
    ...source,
    failed,
    values,
    metadata: body.metadata === undefined ? observation.metadata : body.metadata,
  };
}
