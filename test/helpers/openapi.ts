// Checks the local GitHub API's answers against GitHub's own OpenAPI
// description (@octokit/openapi), so the fake cannot drift unnoticed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const spec = fromOpenApi30(
  JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ),
);
// OpenAPI 3.0's `nullable` in JSON Schema's terms: null is one more allowed type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document of any shape
function fromOpenApi30(node: unknown): any {
  if (Array.isArray(node)) return node.map(fromOpenApi30);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = fromOpenApi30(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(spec, 'github');
const cache = new Map<string, ValidateFunction>();

const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** Throws with ajv's errors unless `body` fits the documented response of `METHOD /path/{template}` with `status`. */
export function assertDocumentedResponse(
  method: string,
  template: string,
  status: number,
  body: unknown,
): void {
  const op = spec.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in GitHub's OpenAPI description`);
  let response = op.responses[String(status)];
  if (!response) throw new Error(`${method} ${template} documents no ${status} response`);
  // A shared response (403, 404, 422...) is a reference into components/responses.
  const shared = /^#\/components\/responses\/(.+)$/.exec(response.$ref ?? '')?.[1];
  if (shared) response = spec.components.responses[shared];
  const key = `${method} ${template} ${status}`;
  let validate = cache.get(key);
  if (!validate) {
    const schemaRef = !response.content?.['application/json']?.schema
      ? undefined
      : shared
        ? `github#/${pointer('components', 'responses', shared, 'content', 'application/json', 'schema')}`
        : `github#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
    if (!schemaRef) {
      if (body !== undefined && body !== '')
        throw new Error(`${key}: documented without a body, got one`);
      return;
    }
    validate = ajv.getSchema(schemaRef);
    if (!validate) throw new Error(`cannot compile ${schemaRef}`);
    cache.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${key}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  }
}
