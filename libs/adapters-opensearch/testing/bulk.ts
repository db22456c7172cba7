import { type Context, reply, type Reply } from './context';
import { illegalArgument, indexNotFound, OpenSearchError, shardMetadata, validationFailed } from './errors';
import { isObject, type Json } from './json';
import { type IndexState } from './registry';
import { validateWrite } from './versioning';
import { applyWrite, autoId, resolveTarget, type WriteOp, wouldAutoCreate, writeParams, writeResponse } from './writes';

/**
 * `POST|PUT /_bulk` and `/{index}/_bulk`: NDJSON parsed like BulkRequestParser (whole-request
 * 400 for a malformed action line or a failed validation), then every item applied in request
 * order with its own outcome — the rest of the bulk still applies when an item fails. Items
 * answer in request order whatever their actions (no misalignment between deletes and index
 * operations). `update` is not implemented: its items fail with 400 and are recorded as
 * unsupported.
 */
export const BULK_PARAMS = ['refresh', 'routing', 'timeout', 'wait_for_active_shards', 'require_alias'];
export const BULK_UNSUPPORTED_PARAMS = ['pipeline', '_source', '_source_includes', '_source_excludes', 'batch_size'];

type Action = 'index' | 'create' | 'delete' | 'update';

interface BulkItem {
  readonly action: Action;
  readonly op: WriteOp | undefined;
  readonly requireAlias: boolean;
  readonly index: string | undefined;
  readonly id: string | undefined;
}

const ACTIONS = new Set(['index', 'create', 'delete', 'update']);
/** Action/metadata keys OpenSearch knows but the test server does not implement. */
const UNSUPPORTED_METADATA = new Set(['pipeline', 'retry_on_conflict', '_source', 'dynamic_templates']);
const METADATA = new Set(['_index', '_id', 'routing', 'version', 'version_type', 'if_seq_no', 'if_primary_term', 'require_alias', 'op_type']);

function tokenOf(value: Json): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (isObject(value)) return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (value === null) return 'VALUE_NULL';
  return 'VALUE_BOOLEAN';
}

/** BulkRequestParser#parse. @throws OpenSearchError for the whole request */
function parseBulk(ctx: Context, defaultIndex: string | undefined): BulkItem[] {
  const body = ctx.request.body;
  if (body === '') throw new OpenSearchError(400, 'parse_exception', 'request body is required');
  if (!body.endsWith('\n')) throw illegalArgument('The bulk request must be terminated by a newline [\\n]');
  const lines = body.split('\n').slice(0, -1);
  const requireAliasDefault = ctx.flag('require_alias');
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const text = lines[i] ?? '';
    if (text.trim() === '') continue; // a line without a token is skipped
    let line: Json;
    try {
      line = JSON.parse(text) as Json;
    } catch (error) {
      throw new OpenSearchError(400, 'json_parse_exception', error instanceof Error ? error.message : String(error));
    }
    const malformed = (reason: string) => illegalArgument(`Malformed action/metadata line [${lineNumber}], ${reason}`);
    if (!isObject(line)) throw malformed(`expected START_OBJECT or END_OBJECT but found [${tokenOf(line)}]`);
    const keys = Object.keys(line);
    if (keys.length === 0) throw malformed('expected FIELD_NAME but found [END_OBJECT]');
    if (keys.length > 1) throw malformed('expected END_OBJECT but found [FIELD_NAME]');
    const name = keys[0] ?? '';
    if (!ACTIONS.has(name)) throw malformed(`expected field [create], [delete], [index] or [update] but found [${name}]`);
    const action = name as Action;
    const meta = line[action] ?? null;
    if (!isObject(meta)) throw malformed(`expected START_OBJECT but found [${tokenOf(meta)}]`);
    for (const key of Object.keys(meta)) {
      if (UNSUPPORTED_METADATA.has(key) && action !== 'update') {
        ctx.recordUnsupported(`bulk action/metadata parameter [${key}] (line ${lineNumber})`);
        throw illegalArgument(`Action/metadata line [${lineNumber}] parameter [${key}] is not supported by the OpenSearch test server`);
      }
      if (!METADATA.has(key) && !(action === 'update' && UNSUPPORTED_METADATA.has(key)))
        throw illegalArgument(`Action/metadata line [${lineNumber}] contains an unknown parameter [${key}]`);
    }
    const index = meta['_index'] === undefined ? defaultIndex : String(meta['_index']);
    const id = meta['_id'] === undefined || meta['_id'] === null ? undefined : String(meta['_id']);
    let source: string | undefined;
    if (action !== 'delete') {
      i++;
      source = lines[i];
      if (source === undefined) throw illegalArgument('The bulk request must be terminated by a newline [\\n]');
    }
    const requireAlias = meta['require_alias'] === undefined ? requireAliasDefault : meta['require_alias'] === true;
    if (action === 'update') {
      items.push({ action, op: undefined, requireAlias, index, id });
      continue;
    }
    const opType = action === 'index' && meta['op_type'] === 'create' ? 'create' : (action as 'index' | 'create' | 'delete');
    const params = writeParams(opType, id, {
      version: meta['version'],
      versionType: meta['version_type'],
      ifSeqNo: meta['if_seq_no'],
      ifPrimaryTerm: meta['if_primary_term'],
    });
    items.push({ action, op: { ...params, index: index ?? '', source }, requireAlias, index, id });
  }
  return items;
}

/** BulkRequest#validate: every item's problems, numbered, fail the whole request. */
function validate(items: readonly BulkItem[]): void {
  if (items.length === 0) throw validationFailed(['no requests added']);
  const messages: string[] = [];
  for (const item of items) {
    if (item.index === undefined) messages.push('index is missing');
    if (item.op !== undefined) messages.push(...validateWrite(item.op));
    else if (item.id === undefined) messages.push('id is missing');
  }
  if (messages.length > 0) throw validationFailed(messages);
}

function failure(action: Action, index: string, id: string | undefined, error: OpenSearchError) {
  return { [action]: { _index: index, _id: id ?? null, status: error.status, error: error.json() } };
}

export function bulkHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const started = process.hrtime.bigint();
  const refresh = ctx.refreshPolicy();
  const items = parseBulk(ctx, params['index']);
  validate(items);
  // TransportBulkAction tries to auto-create every missing index an item would write to; with
  // auto-creation off, all items for that index fail with the "auto_create_index" reason.
  const autoCreateTried = new Set(items.filter((item) => item.op !== undefined && wouldAutoCreate(item.op)).map((item) => item.index));
  const touched = new Set<IndexState>();
  const responses = items.map((item) => {
    const requested = item.index ?? '';
    if (item.op === undefined) {
      ctx.recordUnsupported(`bulk [update] action for [${requested}][${item.id ?? ''}]`);
      return failure('update', requested, item.id, illegalArgument('[update] is not supported by the OpenSearch test server (use index, create or delete)'));
    }
    const op = item.op;
    if (item.requireAlias && !ctx.cluster.hasAlias(requested)) {
      return failure(
        item.action,
        requested,
        item.id,
        indexNotFound(requested, ` and [require_alias] request flag is [true] and [${requested}] is not an alias`),
      );
    }
    const target = resolveTarget(ctx.cluster, op, autoCreateTried.has(requested));
    if (target instanceof OpenSearchError) return failure(item.action, requested, item.id, target);
    const id = item.id ?? autoId();
    const injected = ctx.faults.itemFault?.({ index: requested, concreteIndex: target.name, id, action: op.opType });
    if (injected !== undefined) {
      return failure(
        item.action,
        target.name,
        id,
        new OpenSearchError(injected.status, injected.type, injected.reason, shardMetadata(target.name, target.uuid)),
      );
    }
    const result = applyWrite(target, op, id);
    if (result instanceof OpenSearchError) return failure(item.action, target.name, id, result);
    touched.add(target);
    return { [item.action]: { ...writeResponse(target, id, result, refresh === 'immediate'), status: result.status } };
  });
  if (refresh !== 'none') for (const index of touched) index.store.refresh();
  const errors = responses.some((response) => Object.values(response).some((item) => 'error' in item));
  return reply(200, { took: Number((process.hrtime.bigint() - started) / 1_000_000n), errors, items: responses });
}
