import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { type JsonSchema } from '../openapi';
import { type Answer } from './http-harness';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = { paths: Record<string, Record<string, Operation & { operationId?: string }>> };

const DOCUMENT_ID = 'urn:ivm:openapi';

/** Checks real answers against what an OpenAPI document says of them, and tells which documented success bodies were checked. */
export interface DocumentedAnswers {
  /** Expects a success: its status documented for the operation, and its body matching that status's schema. */
  check(operationId: string, answer: Answer): void;
  /** Every `operationId status` of a documented 2xx. */
  documented(): string[];
  /** Every `operationId status` an answer was checked for. */
  checked(): string[];
}

/** A DocumentedAnswers over `document` (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 speaks it, `$ref`s resolved in the document). */
export function documentedAnswers(document: JsonSchema): DocumentedAnswers {
  // Not strict: the document's own fields (openapi, paths, …) are not schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (text) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text)),
  });
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const { paths } = document as Document;
  const operations = new Map<string, { path: string; method: string; operation: Operation }>();
  for (const [path, methods] of Object.entries(paths))
    for (const [method, operation] of Object.entries(methods)) if (operation.operationId) operations.set(operation.operationId, { path, method, operation });
  const checked = new Set<string>();
  return {
    check(operationId, answer) {
      const found = operations.get(operationId);
      if (!found) throw new Error(`No operation ${operationId} in the document`);
      const status = String(answer.status);
      expect([operationId, status, answer.status >= 200 && answer.status < 300 ? 'success' : answer.text]).toEqual([operationId, status, 'success']);
      const content = found.operation.responses?.[status]?.content;
      expect([operationId, status, content === undefined ? 'undocumented status' : 'documented']).toEqual([operationId, status, 'documented']);
      const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      expect([operationId, status, Object.keys(content ?? {})]).toEqual([operationId, status, [mediaType]]);
      const pointer = ['paths', found.path, found.method, 'responses', status, 'content', mediaType, 'schema'].map(escape).join('/');
      // The document has no $async schema, so Ajv validates synchronously.
      const validate = ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`) as ValidateFunction | undefined;
      if (!validate) throw new Error(`No schema at ${pointer}`);
      const body = mediaType === 'application/json' ? answer.body : answer.text;
      expect([operationId, status, validate(body) ? [] : validate.errors]).toEqual([operationId, status, []]);
      checked.add(`${operationId} ${status}`);
    },
    documented: () =>
      [...operations.entries()].flatMap(([id, { operation }]) =>
        Object.keys(operation.responses ?? {})
          .filter((status) => status.startsWith('2'))
          .map((status) => `${id} ${status}`),
      ),
    checked: () => [...checked],
  };
}

/** A JSON Pointer segment as a URI fragment holds it. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
