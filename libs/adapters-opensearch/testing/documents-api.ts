import { type Context, reply, type Reply } from './context';
import { illegalArgument, OpenSearchError, validationFailed } from './errors';
import { filterSource, parseSourceFilter } from './source-filter';
import { validateWrite } from './versioning';
import { applyWrite, autoId, resolveTarget, type WriteOp, wouldAutoCreate, writeParams, writeResponse } from './writes';

/**
 * Single-document APIs: `PUT|POST /{index}/_doc/{id}` (`op_type=create` too), `POST /{index}/_doc`
 * (generated id), `PUT|POST /{index}/_create/{id}`, `DELETE /{index}/_doc/{id}` (with `version`,
 * `version_type`, `if_seq_no`, `if_primary_term`), and realtime `GET|HEAD /{index}/_doc/{id}`.
 * A delete of a missing document answers 404 with `result: "not_found"` (not an error body).
 */
export const WRITE_PARAMS = ['version', 'version_type', 'if_seq_no', 'if_primary_term', 'refresh', 'routing', 'timeout', 'wait_for_active_shards'];
export const INDEX_PARAMS = [...WRITE_PARAMS, 'op_type', 'require_alias'];
export const INDEX_UNSUPPORTED_PARAMS = ['pipeline'];
export const GET_PARAMS = ['realtime', 'refresh', 'routing', 'preference', '_source'];
export const GET_UNSUPPORTED_PARAMS = ['_source_includes', '_source_excludes', 'stored_fields', 'version', 'version_type'];

function write(ctx: Context, opType: WriteOp['opType'], index: string, id: string | undefined): Reply {
  const refresh = ctx.refreshPolicy();
  const given = {
    version: ctx.param('version'),
    versionType: ctx.param('version_type'),
    ifSeqNo: ctx.param('if_seq_no'),
    ifPrimaryTerm: ctx.param('if_primary_term'),
  };
  const params = writeParams(opType, id, given);
  const op: WriteOp = { ...params, index, source: opType === 'delete' ? undefined : ctx.request.body };
  const messages = validateWrite(op);
  if (opType !== 'delete' && ctx.request.body.trim() === '') messages.unshift('source is missing', 'content type is missing');
  if (messages.length > 0) throw validationFailed(messages);
  if (ctx.flag('require_alias') && !ctx.cluster.hasAlias(index)) {
    throw new OpenSearchError(
      404,
      'index_not_found_exception',
      `no such index [${index}] and [require_alias] request flag is [true] and [${index}] is not an alias`,
      {
        index_uuid: '_na_',
        index,
      },
    );
  }
  const target = resolveTarget(ctx.cluster, op, wouldAutoCreate(op));
  if (target instanceof OpenSearchError) throw target;
  const docId = id ?? autoId();
  const result = applyWrite(target, op, docId);
  if (result instanceof OpenSearchError) throw result;
  if (refresh !== 'none') target.store.refresh();
  const body = writeResponse(target, docId, result, refresh === 'immediate');
  return result.status === 201 ? { status: 201, body, headers: { location: `/${target.name}/_doc/${encodeURIComponent(docId)}` } } : reply(result.status, body);
}

function opTypeParam(ctx: Context): 'index' | 'create' {
  const value = ctx.param('op_type');
  if (value === undefined || value === 'index') return 'index';
  if (value === 'create') return 'create';
  throw illegalArgument(`opType must be 'create' or 'index', found: [${value}]`);
}

export const putDocHandler = (ctx: Context, p: Readonly<Record<string, string>>): Reply => write(ctx, opTypeParam(ctx), p['index'] ?? '', p['id']);
export const postDocHandler = (ctx: Context, p: Readonly<Record<string, string>>): Reply => write(ctx, opTypeParam(ctx), p['index'] ?? '', undefined);
export const createDocHandler = (ctx: Context, p: Readonly<Record<string, string>>): Reply => write(ctx, 'create', p['index'] ?? '', p['id']);
export const deleteDocHandler = (ctx: Context, p: Readonly<Record<string, string>>): Reply => write(ctx, 'delete', p['index'] ?? '', p['id']);

/** GET by id: realtime by default (the latest write, refreshed or not). */
export function getDocHandler(ctx: Context, p: Readonly<Record<string, string>>): Reply {
  const index = ctx.cluster.resolveSingle(p['index'] ?? '');
  const id = p['id'] ?? '';
  if (ctx.flag('refresh')) index.store.refresh();
  const doc = index.store.get(id, ctx.flag('realtime', true));
  if (ctx.request.method === 'HEAD') return reply(doc === undefined ? 404 : 200);
  if (doc === undefined) return reply(404, { _index: index.name, _id: id, found: false });
  const sourceParam = ctx.param('_source');
  const filter =
    sourceParam === undefined || sourceParam === 'true' || sourceParam === ''
      ? parseSourceFilter(true)
      : sourceParam === 'false'
        ? false
        : parseSourceFilter(sourceParam.split(','));
  return reply(200, {
    _index: index.name,
    _id: id,
    _version: doc.version,
    _seq_no: doc.seqNo,
    _primary_term: doc.primaryTerm,
    found: true,
    ...(filter === false ? {} : { _source: filterSource(doc.source, filter) }),
  });
}
