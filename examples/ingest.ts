// Ingest: typed documents in (a missing or mistyped field does not compile), stored, compiled, read back.
// Run against `npm start`: npx tsx examples/ingest.ts
import { IvmApiError, type Product } from '@ivm/sdk';
import { connect, show } from './connect';

async function main(): Promise<void> {
  const ivm = connect();

  const cream: Product = { sku: 'EX-1', name: 'Moisture Cream', brand_id: 'EXB', category_ids: ['EXC'], price: 19000, currency: 'KRW', status: 'ACTIVE' };
  const serum: Product = { ...cream, sku: 'EX-2', name: 'Night Serum', price: 32000, attributes: { size: '30ml' } };

  // 1. Store raw versions only (PUT raw per record): nothing is compiled yet. Re-running is an identical replay.
  const stored = await ivm
    .ingest()
    .brand({ brand_id: 'EXB', name: 'Example Brand' }, { version: 1 })
    .category({ category_id: 'EXC', name: 'Skin care' }, { version: 1 })
    .products([
      { doc: cream, version: 1 },
      { doc: serum, version: 1 },
    ])
    .insert();
  show(
    'stored',
    stored.map((s) => `${s.entityKey}@${s.version}`),
  );

  // 2. Compile them in the request (slices, indexes, cutover): nothing shipped.
  const compiled = await ivm
    .ingest()
    .brand({ brand_id: 'EXB', name: 'Example Brand' }, { version: 1 })
    .products([
      { doc: cream, version: 1 },
      { doc: serum, version: 1 },
    ])
    .deploy((d) => d.compile.sync());
  show('compiled', compiled.state); // DONE

  // 3. Read the view: typed by its fields (price: number, brand_name?: string).
  const page = await ivm.views.productDetail.get('EX-2');
  show('view', { name: page.data.name, brand: page.data.brand_name, price: page.data.price, size: page.data.attributes?.['size'] });

  // 4. The API's refusals arrive as typed errors carrying its code.
  try {
    await ivm.ingest().brand({ brand_id: 'EXB', name: 'Another Name' }, { version: 1 }).insert();
  } catch (error) {
    if (error instanceof IvmApiError && error.is('VERSION_CONFLICT')) show('refused', `${error.code} (${error.status})`);
    else throw error;
  }
  await ivm.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
