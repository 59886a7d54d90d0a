import { badRequest } from '../errors.ts';
import type { Assignments, AssignmentValue, ExperimentType, ParameterDef } from './types.ts';

// The parameter space: the rules a space must follow when it is created or
// changed, and the rules assignments must follow to belong to it.

export interface ParameterInput {
  name: string;
  type: ParameterDef['type'];
  bounds?: { min: number; max: number } | null | undefined;
  categorical_values?: Array<string | { name: string }> | null | undefined;
  grid?: number[] | null | undefined;
  transformation?: 'log' | 'none' | null | undefined;
  default_value?: AssignmentValue | null | undefined;
  precision?: number | null | undefined;
}

const categoryNames = (input: ParameterInput): string[] | null =>
  input.categorical_values?.map((value) => (typeof value === 'string' ? value : value.name)) ??
  null;

function checkNumeric(input: ParameterInput, field: string): void {
  const { bounds, grid } = input;
  if (input.categorical_values) {
    throw badRequest(`${field}.categorical_values is only for categorical parameters.`);
  }
  if (bounds && grid) {
    throw badRequest(`${field} gives both bounds and grid; give one of them.`);
  }
  if (!bounds && !grid) {
    throw badRequest(`${field}.bounds is required for a ${input.type} parameter without a grid.`);
  }
  if (bounds && !(bounds.min < bounds.max)) {
    throw badRequest(`${field}.bounds: min (${bounds.min}) must be less than max (${bounds.max}).`);
  }
  const values = bounds ? [bounds.min, bounds.max] : (grid ?? []);
  if (input.type === 'int' && !values.every((value) => Number.isSafeInteger(value))) {
    throw badRequest(
      `${field}: an int parameter's ${bounds ? 'bounds' : 'grid'} must be integers.`,
    );
  }
  if (grid && new Set(grid).size < 2) {
    throw badRequest(`${field}.grid needs at least 2 distinct values.`);
  }
  if (grid && new Set(grid).size !== grid.length) {
    throw badRequest(`${field}.grid has repeated values; give each value once.`);
  }
  if (input.transformation === 'log') {
    if (input.type !== 'double') {
      throw badRequest(`${field}.transformation "log" is only for double parameters.`);
    }
    if (!values.every((value) => value > 0)) {
      throw badRequest(`${field}: a log parameter's ${bounds ? 'bounds' : 'grid'} must be > 0.`);
    }
  }
}

function checkCategorical(input: ParameterInput, field: string): string[] {
  if (input.bounds || input.grid) {
    throw badRequest(
      `${field}: a categorical parameter takes categorical_values, not bounds or grid.`,
    );
  }
  if (input.transformation === 'log') {
    throw badRequest(`${field}.transformation "log" is only for double parameters.`);
  }
  const names = categoryNames(input);
  if (!names || names.length < 2) {
    throw badRequest(`${field}.categorical_values needs at least 2 category names.`);
  }
  if (new Set(names).size !== names.length) {
    throw badRequest(`${field}.categorical_values has repeated names; give each name once.`);
  }
  return names;
}

export function toParameterDef(input: ParameterInput, field: string): ParameterDef {
  const categories = input.type === 'categorical' ? checkCategorical(input, field) : null;
  if (input.type !== 'categorical') checkNumeric(input, field);

  const grid = input.grid ? [...input.grid].sort((a, b) => a - b) : null;
  const parameter: ParameterDef = {
    name: input.name,
    type: input.type,
    bounds: input.bounds ? { min: input.bounds.min, max: input.bounds.max } : null,
    categoricalValues: categories,
    grid,
    log: input.transformation === 'log',
    defaultValue: null,
    precision: input.precision ?? null,
  };
  if (input.default_value !== undefined && input.default_value !== null) {
    parameter.defaultValue = checkValue(parameter, input.default_value, {
      field: `${field}.default_value`,
      strict: true,
    });
  }
  return parameter;
}

export function toParameterDefs(inputs: ParameterInput[]): ParameterDef[] {
  const seen = new Set<string>();
  return inputs.map((input, index) => {
    if (seen.has(input.name)) {
      throw badRequest(`parameters[${index}].name: "${input.name}" is used by two parameters.`);
    }
    seen.add(input.name);
    return toParameterDef(input, `parameters[${index}]`);
  });
}

/** How many distinct points a parameter has, or null when it is continuous. */
export function parameterSize(parameter: ParameterDef): number | null {
  if (parameter.categoricalValues) return parameter.categoricalValues.length;
  if (parameter.grid) return parameter.grid.length;
  if (parameter.type === 'int' && parameter.bounds) {
    return parameter.bounds.max - parameter.bounds.min + 1;
  }
  return null;
}

/** The number of points of a fully discrete space, or null when some dimension is continuous. */
export function spaceSize(parameters: ParameterDef[]): number | null {
  let size = 1;
  for (const parameter of parameters) {
    const count = parameterSize(parameter);
    if (count === null) return null;
    size *= count;
  }
  return size;
}

export function checkSpaceForType(parameters: ParameterDef[], type: ExperimentType): void {
  if (type !== 'grid') return;
  parameters.forEach((parameter, index) => {
    if (parameterSize(parameter) === null) {
      throw badRequest(
        `parameters[${index}]: a grid experiment needs a grid for double parameter "${parameter.name}".`,
      );
    }
  });
}

interface CheckOptions {
  field: string;
  /** Strict: inside the bounds and on the grid (suggestions). Otherwise only well-typed. */
  strict: boolean;
}

export function checkValue(
  parameter: ParameterDef,
  value: unknown,
  options: CheckOptions,
): AssignmentValue {
  const { field, strict } = options;
  if (parameter.type === 'categorical') {
    const names = parameter.categoricalValues ?? [];
    if (typeof value !== 'string' || !names.includes(value)) {
      throw badRequest(
        `${field} must be one of ${names.map((n) => JSON.stringify(n)).join(', ')}.`,
      );
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest(`${field} must be a finite number.`);
  }
  if (parameter.type === 'int' && !Number.isSafeInteger(value)) {
    throw badRequest(`${field} must be an integer.`);
  }
  if (parameter.log && value <= 0) {
    throw badRequest(`${field} must be > 0 for a log parameter.`);
  }
  if (strict) checkInSpace(parameter, value, field);
  return value === 0 ? 0 : value;
}

function checkInSpace(parameter: ParameterDef, value: number, field: string): void {
  if (parameter.grid && !parameter.grid.includes(value)) {
    throw badRequest(`${field} must be one of the grid values ${parameter.grid.join(', ')}.`);
  }
  const { bounds } = parameter;
  if (bounds && (value < bounds.min || value > bounds.max)) {
    throw badRequest(`${field} must be within the bounds [${bounds.min}, ${bounds.max}].`);
  }
}

export function checkAssignments(
  parameters: ParameterDef[],
  assignments: Record<string, unknown>,
  options: CheckOptions,
): Assignments {
  const known = new Set(parameters.map((parameter) => parameter.name));
  const unknown = Object.keys(assignments).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw badRequest(
      `${options.field} names ${unknown.map((n) => JSON.stringify(n)).join(', ')}, which ` +
        `${unknown.length === 1 ? 'is not a parameter' : 'are not parameters'} of this experiment.`,
    );
  }

  const checked: Assignments = {};
  for (const parameter of parameters) {
    const field = `${options.field}.${parameter.name}`;
    if (!Object.hasOwn(assignments, parameter.name)) {
      throw badRequest(`${field} is missing: assignments must name every parameter.`);
    }
    checked[parameter.name] = checkValue(parameter, assignments[parameter.name], {
      ...options,
      field,
    });
  }
  return checked;
}

/** Assignments as shown for the current space: missing names take the default value. */
export function currentAssignments(parameters: ParameterDef[], stored: Assignments): Assignments {
  const shown: Assignments = {};
  for (const parameter of parameters) {
    const value = Object.hasOwn(stored, parameter.name)
      ? stored[parameter.name]
      : parameter.defaultValue;
    if (value !== undefined && value !== null) shown[parameter.name] = value;
  }
  return shown;
}

/** A canonical text of assignments: the same point always gives the same key. */
export function assignmentsKey(assignments: Assignments): string {
  const names = Object.keys(assignments).sort();
  return JSON.stringify(names.map((name) => [name, assignments[name]]));
}

export function sameAssignments(a: Assignments, b: Assignments): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
