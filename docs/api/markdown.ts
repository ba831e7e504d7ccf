// OpenAPI document → Markdown. Pure: the document's own route order, sorted fields and
// statuses, no clock, so the same server always gives the same page.

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const asSchema = (value: unknown): Schema => (isSchema(value) ? value : {});

/** zod's `z.number().int()` bounds: true of every integer we send, so not worth a line. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

const refName = (ref: string): string => ref.split('/').pop() ?? ref;
const anchor = (name: string): string => `#${name.toLowerCase()}`;
// A table cell: pipes would split it, newlines would end the row.
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const code = (text: string): string => `\`${text}\``;

export function typeOf(schema: Schema): string {
  if (typeof schema['$ref'] === 'string') return `[${refName(schema['$ref'])}](${anchor(refName(schema['$ref']))})`;
  if ('const' in schema) return code(JSON.stringify(schema['const']));
  if (Array.isArray(schema['enum'])) return schema['enum'].map((value) => code(JSON.stringify(value))).join(' or ');
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(schema[key])) return schema[key].map((each) => typeOf(asSchema(each))).join(' or ');
  }
  const type = schema['type'];
  if (Array.isArray(type)) return type.join(' or ');
  if (type === 'array') return `array of ${typeOf(asSchema(schema['items']))}`;
  return typeof type === 'string' ? type : 'any';
}

export function constraintsOf(schema: Schema): string {
  const parts: string[] = [];
  const { minLength, maxLength, minimum, maximum, pattern, format } = schema;
  if (typeof minLength === 'number' && typeof maxLength === 'number') parts.push(`${minLength}–${maxLength} chars`);
  else if (typeof minLength === 'number') parts.push(`≥ ${minLength} chars`);
  else if (typeof maxLength === 'number') parts.push(`≤ ${maxLength} chars`);
  if (typeof minimum === 'number' && Math.abs(minimum) !== SAFE_INTEGER) parts.push(`≥ ${minimum}`);
  if (typeof maximum === 'number' && Math.abs(maximum) !== SAFE_INTEGER) parts.push(`≤ ${maximum}`);
  if (typeof pattern === 'string') parts.push(`matches ${code(pattern)}`);
  if (typeof format === 'string') parts.push(`format ${format}`);
  return parts.join(', ');
}

/** A table of an object schema's fields, or a one-line description of any other schema. */
export function fieldsOf(schema: Schema): string[] {
  const properties = asSchema(schema['properties']);
  const names = Object.keys(properties);
  if (schema['type'] !== 'object' || names.length === 0) {
    return [`Body: ${typeOf(schema)}${schema['type'] === 'object' ? ' (no fields)' : ''}.`];
  }
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const rows = names.map((name) => {
    const field = asSchema(properties[name]);
    const description = typeof field['description'] === 'string' ? field['description'] : '';
    return `| ${code(name)} | ${cell(typeOf(field))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(constraintsOf(field))} | ${cell(description)} |`;
  });
  return ['| Field | Type | Required | Constraints | Description |', '| --- | --- | --- | --- | --- |', ...rows];
}

function jsonSchemaOf(holder: unknown): Schema | undefined {
  const content = asSchema(asSchema(holder)['content']);
  const json = content['application/json'];
  return isSchema(json) ? asSchema(json['schema']) : undefined;
}

function authOf(operation: Schema, schemes: Schema): string {
  const security = Array.isArray(operation['security']) ? operation['security'] : [];
  if (security.length === 0) return 'none.';
  const ways = security.flatMap((requirement) => Object.keys(asSchema(requirement))).map((name) => {
    const scheme = asSchema(schemes[name]);
    if (scheme['type'] === 'http' && scheme['scheme'] === 'bearer') return '`Authorization: Bearer <token>`';
    if (scheme['type'] === 'apiKey') return `a \`${String(scheme['name'])}: <token>\` ${String(scheme['in'])}`;
    return code(name);
  });
  return `required, as ${ways.join(' or ')}.`;
}

/** An error answer (the error body, narrowed to some `error` strings) in one line. */
function errorsOf(schema: Schema): string | undefined {
  const parts = Array.isArray(schema['allOf']) ? schema['allOf'].map(asSchema) : [];
  const body = parts.find((part) => typeof part['$ref'] === 'string');
  const narrowed = asSchema(asSchema(parts.find((part) => part !== body)?.['properties'])['error'])['enum'];
  if (body === undefined || !Array.isArray(narrowed)) return undefined;
  return `${typeOf(body)} with \`error\` ${narrowed.map((each) => code(String(each))).join(', ')}.`;
}

const STATUS_ORDER = (status: string): string => status.replace(/X/g, '9');

function operationSection(method: string, path: string, operation: Schema, schemes: Schema): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, ''];
  if (typeof operation['summary'] === 'string') lines.push(`${operation['summary']}.`, '');
  if (typeof operation['description'] === 'string') lines.push(operation['description'], '');
  lines.push(`**Auth:** ${authOf(operation, schemes)}`, '');
  const body = asSchema(operation['requestBody']);
  const request = jsonSchemaOf(body);
  if (request !== undefined) {
    lines.push(`**Request body** (\`application/json\`${body['required'] === true ? ', required' : ''}):`, '', ...fieldsOf(request), '');
  }
  const responses = asSchema(operation['responses']);
  for (const status of Object.keys(responses).sort((a, b) => (STATUS_ORDER(a) < STATUS_ORDER(b) ? -1 : 1))) {
    const schema = jsonSchemaOf(responses[status]);
    const errors = schema === undefined ? undefined : errorsOf(schema);
    if (errors !== undefined) {
      lines.push(`**${status}:** ${errors}`, '');
      continue;
    }
    const description = asSchema(responses[status])['description'];
    lines.push(`**${status}:**${typeof description === 'string' ? ` ${description}.` : ''}`, '');
    lines.push(...(schema === undefined ? ['No body.'] : fieldsOf(schema)), '');
  }
  return lines;
}

export interface ApiDocInput {
  document: Schema;
  /** Stable `error` strings with their HTTP status, from the server's one table of them. */
  errors: ReadonlyArray<{ error: string; status: number; loginGone: boolean }>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function renderMarkdown({ document, errors }: ApiDocInput): string {
  const info = asSchema(document['info']);
  const components = asSchema(document['components']);
  const schemes = asSchema(components['securitySchemes']);
  // zod-openapi adds an `…Input` twin of each shared schema for request bodies; ours are identical.
  const schemas = asSchema(components['schemas']);
  const shared = Object.keys(schemas).filter((name) => !(name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas)).sort();

  const lines = [
    '# HTTP API',
    '',
    '<!-- Generated by `npm run docs` (docs/api/generate.ts) from the server\'s OpenAPI document. Do not edit by hand. -->',
    '',
    `${String(info['description'] ?? '')}`,
    '',
    'The live document is served at `GET /openapi.json`, and browsable at `/docs`.',
    '',
    '## Authentication',
    '',
    'Routes marked "Auth: required" take the token from `POST /wx/login` in either of:',
    '',
    ...Object.keys(schemes).sort().map((name) => {
      const scheme = asSchema(schemes[name]);
      const how = scheme['type'] === 'http' ? `HTTP ${String(scheme['scheme'])}${scheme['bearerFormat'] ? ` (${String(scheme['bearerFormat'])})` : ''}` : `${String(scheme['type'])} in the \`${String(scheme['name'])}\` ${String(scheme['in'])}`;
      return `- \`${name}\`: ${how}${typeof scheme['description'] === 'string' ? `. ${scheme['description']}` : ''}.`;
    }),
    '',
    'A missing, invalid, expired or revoked token answers 401 with code -1 (log in again).',
    '',
    '## Routes',
    '',
  ];
  const paths = asSchema(document['paths']);
  for (const path of Object.keys(paths)) {
    const methods = asSchema(paths[path]);
    for (const method of HTTP_METHODS.filter((each) => each in methods)) {
      lines.push(...operationSection(method, path, asSchema(methods[method]), schemes));
    }
  }
  lines.push('## Schemas', '');
  for (const name of shared) lines.push(`### ${name}`, '', ...fieldsOf(asSchema(schemas[name])), '');
  lines.push(
    '## Errors',
    '',
    'Every failure, on every route, answers with the [MiniAuthError](#miniautherror) body: `code` is -1 when the login is gone (the client logs in again), 0 for any other failure; `error` is one of the stable strings below; `message` is for people. `retryable` and `retryAfterSeconds` say whether and when to send the same request again; `errcode` and `rid` carry WeChat\'s error code and trace id; `field` names the request field at fault. A 5xx never carries a stack trace.',
    '',
    'The stable `error` strings, with the status each is answered with (server/routes/error-answers.ts):',
    '',
    '| error | status | code |',
    '| --- | --- | --- |',
    ...errors.map(({ error, status, loginGone }) => `| ${code(error)} | ${status} | ${loginGone ? '-1 (log in again)' : '0'} |`),
    '',
  );
  return lines.join('\n');
}
