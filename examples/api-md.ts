// API.md's "SDK" section as a program, as written there (with `doc` defined).
import { Ivm, type Product } from '@ivm/sdk';

async function main(): Promise<void> {
  const ivm = Ivm.client({ baseUrl: process.env['IVM_BASE_URL'] ?? 'http://127.0.0.1:3000', apiKey: 'dev-key', tenant: 'demo' });

  // Typed by the product schema: a missing or mistyped field does not compile.
  const r = await ivm
    .ingest()
    .product({ sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deployNow((s) => s.opensearchProducts().personalize()); // compile sync + ship async
  console.log(r.jobId, r.state);

  // The axes spelled out; each sink contract is a method named by its id in camelCase.
  await ivm
    .ingest()
    .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
    .deploy((d) =>
      d.compile
        .async()
        .ship.async((s) => s.personalize())
        .cutover.done(),
    );
  // d.compile.async().ship.sync(…) does not compile.
  await ivm
    .ingest()
    .brand({ brand_id: 'B2', name: 'Contoso' }, { version: 1 })
    .deploy((d) => d.compile.sync()); // compile only: nothing shipped

  const doc: Product = { sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C1'], price: 17000, currency: 'KRW', status: 'ACTIVE' };
  const job = await ivm
    .ingest()
    .product(doc, { version: 2 })
    .deployQueued((s) => s.personalize());
  const status = await ivm.deploy.status(job.jobId); // { state, transitions, … }
  const done = await ivm.deploy.wait(job.jobId, { timeoutMs: 30_000 });
  console.log(status.state, done.state);

  const page = await ivm.views.productDetail.get('ABC-123'); // page.data.price: number
  const price: number = page.data.price;
  console.log(price, page.data.brand_name);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
