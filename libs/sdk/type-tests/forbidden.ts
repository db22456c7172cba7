// Type tests: every line after a `@ts-expect-error TSnnnn…` must fail to compile with those errors.
// `npm run typecheck` fails when one compiles (the directive is then unused); type-tests.spec.ts
// also checks that each fails for the stated reason, not another one.
import { Ivm } from '../src';

export async function forbidden(): Promise<void> {
  const ivm = Ivm.client({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'dev-key', tenant: 'demo' });
  const brand = ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 });

  // Nothing ships in the request before a worker has compiled: no ship.sync after compile.async
  // ("Property 'sync' does not exist … Did you mean 'async'?"; the picker's parameter is then untyped).
  // @ts-expect-error TS2551 TS7006
  await brand.deploy((d) => d.compile.async().ship.sync((s) => s.personalize()));

  // A plan starts with the compile axis (the start is no plan: it lacks the axes).
  // @ts-expect-error TS2741
  await brand.deploy((d) => d);

  // The cutover is the last axis: nothing ships after it.
  // @ts-expect-error TS2339
  await brand.deploy((d) => d.compile.sync().cutover.done().ship);

  // A sink that no contract declares.
  // @ts-expect-error TS2339
  await brand.deployNow((s) => s.elasticsearch());

  // A missing required field (price).
  // @ts-expect-error TS2345
  ivm.ingest().product({ sku: 'A', name: 'n', brand_id: 'B1', category_ids: [], currency: 'KRW', status: 'ACTIVE' }, { version: 1 });

  // A field of the wrong type (price is an integer of minor units).
  // @ts-expect-error TS2322
  ivm.ingest().product({ sku: 'A', name: 'n', brand_id: 'B1', category_ids: [], price: '19000', currency: 'KRW', status: 'ACTIVE' }, { version: 1 });

  // A status the schema's enum does not list.
  // @ts-expect-error TS2322
  ivm.ingest().product({ sku: 'A', name: 'n', brand_id: 'B1', category_ids: [], price: 1, currency: 'KRW', status: 'SOLD_OUT' }, { version: 1 });

  // A field the schema does not declare (additionalProperties: false).
  // @ts-expect-error TS2353
  ivm.ingest().brand({ brand_id: 'B1', name: 'Acme', founded: 1999 }, { version: 1 });

  // Attribute values are strings.
  // @ts-expect-error TS2322
  ivm.ingest().product({ sku: 'A', name: 'n', brand_id: 'B1', category_ids: [], price: 1, currency: 'KRW', status: 'ACTIVE', attributes: { size: 50 } }, { version: 1 });

  // Every ingest names its version.
  // @ts-expect-error TS2554
  ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' });

  // No entity type by string name.
  // @ts-expect-error TS2339
  ivm.ingest().entity('product', {}, { version: 1 });

  // A view answer's fields are typed: price is a number.
  const page = await ivm.views.productDetail.get('ABC-123');
  // @ts-expect-error TS2322
  const price: string = page.data.price;

  // A field the view cannot guarantee (a joined brand may not exist) is optional.
  // @ts-expect-error TS2322
  const brandName: string = page.data.brand_name;

  // Only views a contract declares.
  // @ts-expect-error TS2339
  await ivm.views.brandDetail.get('B1');
  void [price, brandName];
}
