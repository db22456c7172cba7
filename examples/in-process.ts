// The same client in this process, over the application services: no server, in-memory stores.
// Run from the repository root: npx tsx examples/in-process.ts
import { loadContractRegistry } from '@ivm/adapters-fs';
import { createInMemoryStores } from '@ivm/domain';
import { Ivm } from '@ivm/sdk';

async function main(): Promise<void> {
  const ivm = Ivm.inProcess({ tenant: 'demo', registry: await loadContractRegistry('contracts'), stores: createInMemoryStores() });

  await ivm
    .ingest()
    .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
    .product({ sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deploy((d) => d.compile.sync());
  console.log('view:', (await ivm.views.productDetail.get('ABC-123')).data.brand_name); // Acme

  // A rename, compiled by the in-process worker; the product's view follows.
  const job = await ivm
    .ingest()
    .brand({ brand_id: 'B1', name: 'Acme Corp' }, { version: 2 })
    .deploy((d) => d.compile.async());
  console.log('rename:', (await ivm.deploy.wait(job.jobId, { timeoutMs: 10_000 })).state); // DONE
  console.log('view:', (await ivm.views.productDetail.get('ABC-123')).data.brand_name); // Acme Corp
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
