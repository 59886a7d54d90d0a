// Writes clients/typescript/src/generated/openapi.ts from openapi/openapi.json:
// `npm run client:types`. test/clients/typescript-types.test.ts fails when the
// committed file differs from what this script renders.
//
// The document uses a small part of JSON Schema (what zod's converter emits):
// objects, arrays, anyOf, enum, const, $ref and the primitive types. Anything
// else is a reason to extend this file, so it throws instead of guessing.
import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';

export const documentPath = new URL('../../../openapi/openapi.json', import.meta.url);
export const typesPath = new URL('../src/generated/openapi.ts', import.meta.url);

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  not?: Schema;
  description?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: Schema;
}

interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

interface Document {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}

/** The API prefix the client adds to every route; route keys are written without it. */
const prefix = '/v1';

const primitives: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
};

function comment(text: string | undefined, indent = ''): string {
  if (!text) return '';
  const safe = text.replaceAll('*/', '*\\/');
  return `${indent}/** ${safe} */\n`;
}

function union(members: string[]): string {
  // unknown absorbs every other member (and lint rightly calls such a union redundant).
  if (members.includes('unknown')) return 'unknown';
  const unique = [...new Set(members)];
  return unique.length === 1 ? (unique[0] ?? 'never') : unique.join(' | ');
}

function literal(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (value === null) return 'null';
  throw new Error(`unsupported literal in the OpenAPI document: ${JSON.stringify(value)}`);
}

function typeOf(schema: Schema, indent: string): string {
  if (schema.$ref) return schema.$ref.replace('#/components/schemas/', '');
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return union(schema.enum.map(literal));
  if (schema.anyOf) return union(schema.anyOf.map((member) => typeOf(member, indent)));
  if (schema.not) return 'never';
  if (Array.isArray(schema.type)) return union(schema.type.map((type) => typeOf({ type }, indent)));

  switch (schema.type) {
    case undefined:
      return 'unknown';
    case 'array':
      return `Array<${schema.items ? typeOf(schema.items, indent) : 'unknown'}>`;
    case 'object':
      return objectType(schema, indent);
    default: {
      const primitive = primitives[schema.type];
      if (!primitive) throw new Error(`unsupported schema type: ${schema.type}`);
      return primitive;
    }
  }
}

function objectType(schema: Schema, indent: string): string {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    if (extra === undefined || extra === true) return 'Record<string, unknown>';
    if (extra === false) return 'Record<string, never>';
    return `Record<string, ${typeOf(extra, indent)}>`;
  }

  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const lines = properties.map(([name, property]) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    const optional = required.has(name) ? '' : '?';
    return `${comment(property.description, inner)}${inner}${key}${optional}: ${typeOf(property, inner)};\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

function declaration(name: string, schema: Schema): string {
  const type = typeOf(schema, '');
  const keyword = type.startsWith('{') ? `export interface ${name} ` : `export type ${name} = `;
  const end = type.startsWith('{') ? '' : ';';
  return `${comment(schema.description)}${keyword}${type}${end}\n`;
}

function parametersType(parameters: Parameter[], place: 'path' | 'query'): string {
  const chosen = parameters.filter((parameter) => parameter.in === place);
  if (chosen.length === 0) return 'Record<string, never>';
  const schema: Schema = {
    type: 'object',
    properties: Object.fromEntries(
      chosen.map((parameter) => {
        const description = parameter.description ?? parameter.schema.description;
        return [
          parameter.name,
          description ? { ...parameter.schema, description } : parameter.schema,
        ];
      }),
    ),
    required: chosen.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
  return typeOf(schema, '    ');
}

function jsonSchema(content: Record<string, { schema: Schema }> | undefined): Schema | undefined {
  return content?.['application/json']?.schema;
}

function route(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters ?? [];
  const body = jsonSchema(operation.requestBody?.content);
  const answer = jsonSchema(operation.responses['200']?.content);
  const key = `${method.toUpperCase()} ${path.slice(prefix.length)}`;
  return [
    comment(operation.summary, '  '),
    `  ${JSON.stringify(key)}: {\n`,
    `    path: ${parametersType(parameters, 'path')};\n`,
    `    query: ${parametersType(parameters, 'query')};\n`,
    `    body: ${body ? typeOf(body, '    ') : 'undefined'};\n`,
    `    response: ${answer ? typeOf(answer, '    ') : 'unknown'};\n`,
    '  };\n',
  ].join('');
}

function routes(paths: Document['paths']): string {
  const entries = Object.entries(paths)
    .filter(([path]) => path.startsWith(`${prefix}/`))
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => route(method, path, operation)),
    );
  return [
    '/** Every route under /v1, keyed "METHOD /path": its parameters, body and answer. */\n',
    `export interface Routes {\n${entries.join('')}}\n`,
  ].join('');
}

export async function renderTypes(documentText: string): Promise<string> {
  const document = JSON.parse(documentText) as Document;
  const header = [
    '// Generated from openapi/openapi.json by `npm run client:types`. Do not edit:',
    '// change the server, run `npm run openapi`, then regenerate.\n',
  ].join('\n');
  const declarations = Object.entries(document.components.schemas).map(([name, schema]) =>
    declaration(name, schema),
  );
  const source = [header, ...declarations, routes(document.paths)].join('\n');
  const options = await resolveConfig(typesPath);
  return format(source, { ...options, parser: 'typescript' });
}

async function main(): Promise<void> {
  const rendered = await renderTypes(await readFile(documentPath, 'utf8'));
  await writeFile(typesPath, rendered);
  process.stdout.write(`wrote ${typesPath.pathname}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
