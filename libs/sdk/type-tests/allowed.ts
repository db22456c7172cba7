// Type tests: everything here must compile (npm run typecheck; type-tests.spec.ts compiles it too).
// It is API.md's "SDK" section, typed against the generated sample catalog.
import { Ivm, IvmApiError, type DeployJobView, type Product, type ProductDetailView } from '../src';

export async function allowed(): Promise<void> {
  const ivm = Ivm.client({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'dev-key', tenant: 'demo' });

  const r = await ivm
    .ingest()
    .product({ sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' }, { version: 1 })
    .deployNow((s) => s.opensearchProducts().personalize());
  const jobId: string = r.jobId;
  const state: 'QUEUED' | 'RUNNING' | 'READY' | 'SINKING' | 'DONE' | 'FAILED' = r.state;

  await ivm
    .ingest()
    .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
    .deploy((d) =>
      d.compile
        .async()
        .ship.async((s) => s.personalize())
        .cutover.done(),
    );
  await ivm
    .ingest()
    .brand({ brand_id: 'B2', name: 'Contoso' }, { version: 1 })
    .deploy((d) => d.compile.sync());
  await ivm
    .ingest()
    .brand({ brand_id: 'B2', name: 'Contoso' }, { version: 2 })
    .deploy((d) =>
      d.compile
        .sync()
        .ship.sync((s) => s.personalize())
        .cutover.ready(),
    );
  await ivm
    .ingest()
    .brand({ brand_id: 'B2', name: 'Contoso' }, { version: 3 })
    .deploy((d) => d.compile.async().cutover.done());
  await ivm
    .ingest()
    .brand({ brand_id: 'B2', name: 'Contoso' }, { version: 4 })
    .deploy((d) => d.compile.sync().ship.async((s) => s.personalize()));

  const doc: Product = {
    sku: 'ABC-123',
    name: 'Moisture Cream',
    brand_id: 'B1',
    category_ids: [],
    price: 1,
    currency: 'KRW',
    status: 'INACTIVE',
    attributes: { color: 'red' },
  };
  const job = await ivm
    .ingest()
    .product(doc, { version: 2 })
    .deployQueued((s) => s.personalize());
  const status: DeployJobView = await ivm.deploy.status(job.jobId);
  const done = await ivm.deploy.wait(job.jobId, { timeoutMs: 30_000 });
  await ivm
    .ingest()
    .product(doc, { version: 3 })
    .deployNowAndShipNow((s) => s.opensearchProducts());

  const page = await ivm.views.productDetail.get('ABC-123');
  const price: number = page.data.price;
  const brandName: string | undefined = page.data.brand_name;
  const data: ProductDetailView = page.data;

  // Batches, deletions, and raw inserts without a deploy.
  await ivm
    .ingest()
    .products([
      { doc, version: 4 },
      { doc: { ...doc, sku: 'XYZ-9' }, version: 1 },
    ])
    .categories([{ doc: { category_id: 'C1', name: 'Skin care' }, version: 1 }])
    .deleteBrand('B9', { version: 2 })
    .insert();

  try {
    await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .deploy((d) => d.compile.sync());
  } catch (error) {
    if (error instanceof IvmApiError && error.is('VERSION_CONFLICT')) {
      const code: 'VERSION_CONFLICT' = error.code;
      void code;
    }
  }
  void [jobId, state, status, done, price, brandName, data];
}
