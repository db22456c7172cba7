// deployNow: compile in the request, ship in a worker (OpenSearch and the personalize webhook).
// Needs OPENSEARCH_URL and PERSONALIZE_WEBHOOK_URL set for `npm start` (see examples/README.md).
import { connect, show } from './connect';

async function main(): Promise<void> {
  const ivm = connect();
  const job = await ivm
    .ingest()
    .brand({ brand_id: 'EXB', name: 'Example Brand' }, { version: 1 })
    .product({ sku: 'EX-3', name: 'Sun Cream', brand_id: 'EXB', category_ids: ['EXC'], price: 15000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deployNow((s) => s.opensearchProducts().personalize());
  show('answered', job.state); // READY: compiled, views follow; the worker ships next

  const done = await ivm.deploy.wait(job.jobId, { timeoutMs: 30_000 });
  show('finished', done.state); // DONE
  show(
    'transitions',
    done.transitions.map((t) => t.state),
  );
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
