// deployQueued: everything in the background. A brand rename fans out to its products, then ships.
import { connect, show } from './connect';

async function main(): Promise<void> {
  const ivm = connect();
  await ivm
    .ingest()
    .brand({ brand_id: 'EXR', name: 'Before' }, { version: 1 })
    .product({ sku: 'EX-5', name: 'Toner', brand_id: 'EXR', category_ids: ['EXC'], price: 9000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deploy((d) => d.compile.sync());

  const job = await ivm
    .ingest()
    .brand({ brand_id: 'EXR', name: 'After' }, { version: 2 })
    .deployQueued((s) => s.personalize());
  show('answered', job.state); // QUEUED: a worker takes it

  const status = await ivm.deploy.status(job.jobId);
  show('status', { state: status.state, records: status.records });

  const done = await ivm.deploy.wait(job.jobId, { timeoutMs: 30_000 });
  show('finished', done.state); // DONE
  show('view', (await ivm.views.productDetail.get('EX-5')).data.brand_name); // "After"
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
