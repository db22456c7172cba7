import { type JsonSchema } from './openapi';
import { documentedAnswers, type DocumentedAnswers } from './testing/documented-answers';
import { ADMIN_KEY, brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { playWorker } from './testing/play-worker';
import { useTestApiWithReceiver } from './testing/use-test-api';

const { api, receiver } = useTestApiWithReceiver();

/** One sample document per entity type of the catalog, by id. */
const DOCUMENTS: Record<string, (id: string) => Record<string, unknown>> = {
  brand: (id) => brandDoc(id, `Brand ${id}`),
  category: (id) => ({ category_id: id, name: `Category ${id}`, parent_id: 'C0' }),
  product: (id) => productDoc(id, 'B1', { category_ids: ['C1'], attributes: { color: 'red' } }),
};
const pascal = (entityType: string) => entityType.charAt(0).toUpperCase() + entityType.slice(1);
const DEPLOYS = `/v1/tenants/${TENANT}/deploys`;

// One walk through the API, in order: each step's answer is checked against the document, and the
// last test proves that every success body the document describes was met by a real answer.
describe('every documented success body, against a real answer', () => {
  let answers: DocumentedAnswers;
  beforeAll(async () => {
    answers = documentedAnswers((await api.request('GET', '/openapi.json', { key: null })).body as JsonSchema);
  });

  it('health, readiness, metrics (text) and contracts', async () => {
    answers.check('getHealth', await api.request('GET', '/healthz', { key: null }));
    answers.check('getReadiness', await api.request('GET', '/readyz', { key: null }));
    answers.check('getMetrics', await api.request('GET', '/metrics', { key: null }));
    answers.check('listContracts', await api.request('GET', '/v1/contracts'));
  });

  it('raw documents of every entity type: stored, replayed, read, deleted', async () => {
    for (const [entityType, doc] of Object.entries(DOCUMENTS)) {
      const name = pascal(entityType);
      const id = entityType === 'brand' ? 'B1' : entityType === 'category' ? 'C1' : 'P1';
      answers.check(`put${name}Raw`, await api.request('PUT', rawPath(entityType, id, 1), { body: doc(id) }));
      answers.check(`put${name}Raw`, await api.request('PUT', rawPath(entityType, id, 1), { body: doc(id) }));
      answers.check(`get${name}Raw`, await api.request('GET', rawPath(entityType, id, 'latest')));
      await api.request('PUT', rawPath(entityType, 'GONE', 1), { body: doc('GONE') });
      answers.check(`delete${name}Raw`, await api.request('DELETE', rawPath(entityType, 'GONE', 2)));
      answers.check(`delete${name}Raw`, await api.request('DELETE', rawPath(entityType, 'GONE', 2)));
      answers.check(`get${name}Raw`, await api.request('GET', rawPath(entityType, 'GONE', 2)));
    }
  });

  it('change sets, slicing, slices and the view', async () => {
    await api.request('PUT', rawPath('product', 'P1', 2), { body: { ...DOCUMENTS['product']?.('P1'), price: 2000 } });
    const range = { entityType: 'product', entityId: 'P1', fromVersion: 1, toVersion: 2 };
    answers.check('createChangeSet', await api.request('POST', `/v1/tenants/${TENANT}/changesets`, { body: range }));
    answers.check('createChangeSet', await api.request('POST', `/v1/tenants/${TENANT}/changesets`, { body: range }));
    answers.check(
      'sliceEntity',
      await api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType: 'brand', entityId: 'B1', version: 1, mode: 'FULL' } }),
    );
    answers.check(
      'sliceEntity',
      await api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType: 'product', entityId: 'P1', version: 2, mode: 'FULL' } }),
    );
    answers.check('getSlices', await api.request('GET', `/v1/tenants/${TENANT}/slices/product/P1`));
    const view = await api.request('GET', `/v1/tenants/${TENANT}/views/product-detail/P1`);
    expect(view.body).toMatchObject({ data: { price: 2000, brand_name: 'Brand B1', attributes: { color: 'red' } } });
    answers.check('getProductDetailView', view);
  });

  it('deploys, their status, and the admin outbox', async () => {
    const record = (id: string) => ({ entityType: 'product', entityId: id, version: 1, data: DOCUMENTS['product']?.(id) });
    const brand = { entityType: 'brand', entityId: 'B9', version: 1, data: DOCUMENTS['brand']?.('B9') };
    const deletion = { entityType: 'brand', entityId: 'B9', version: 2, deleted: true };
    const sync = await api.request('POST', DEPLOYS, { body: { records: [record('D1'), brand, deletion] } });
    answers.check('createDeploy', sync);
    answers.check('getDeployStatus', await api.request('GET', `${DEPLOYS}/${(sync.body as { jobId: string }).jobId}`));
    answers.check('createDeploy', await api.request('POST', DEPLOYS, { body: { records: [record('D2')], compile: 'async' } }));
    receiver().fail({ status: 500, times: Infinity });
    const failing = await api.request('POST', DEPLOYS, { body: { records: [record('D3')], ship: { mode: 'async', sinks: ['personalize'] } } });
    await playWorker(api);
    // A job held up by a DEAD task: its status carries the error, the outbox lists the task with its last error.
    answers.check('getDeployStatus', await api.request('GET', `${DEPLOYS}/${(failing.body as { jobId: string }).jobId}`));
    const dead = await api.request('GET', '/v1/admin/outbox?status=DEAD', { key: ADMIN_KEY });
    expect(dead.body).toMatchObject({ tasks: [{ lastError: { code: 'SINK_UNAVAILABLE' } }] });
    answers.check('listOutboxTasks', dead);
    receiver().reset();
    const { taskId } = (dead.body as { tasks: { taskId: string }[] }).tasks[0] as { taskId: string };
    answers.check('redriveOutboxTask', await api.request('POST', `/v1/admin/outbox/${taskId}/redrive`, { key: ADMIN_KEY }));
  });

  it('met every 2xx the document describes', () => {
    expect(answers.checked().sort()).toEqual(answers.documented().sort());
  });
});
