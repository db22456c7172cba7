import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { validate } from '@readme/openapi-parser';
import ts from 'typescript';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

/**
 * What a client generated from the document must know, as code that compiles only if the types
 * are that precise. `Exact` is false for `any`, so a field typed loosely fails it; a
 * `@ts-expect-error` over a line that compiles is itself an error, so a loose type fails those too.
 */
const USES = `
import type { components, paths } from './api';

type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact = <A, B>(proof: Exact<A, B>): Exact<A, B> => proof;

type RawPath = paths['/v1/tenants/{tenant}/raw/product/{entityId}/versions/{version}'];
type Product = RawPath['put']['requestBody']['content']['application/json'];
exact<Product['price'], number>(true);
exact<Product['status'], 'ACTIVE' | 'INACTIVE' | 'DISCONTINUED'>(true);
exact<Pick<Product, 'attributes'>, { attributes?: { [key: string]: string } }>(true);
exact<Product, components['schemas']['Product']>(true);
exact<RawPath['get']['responses'][200]['content']['application/json']['data'], Product | null>(true);

const product: Product = { sku: 'A1', name: 'Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' };
// @ts-expect-error sku is required
const noSku: Product = { name: 'Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' };
// @ts-expect-error price is a number
const textPrice: Product = { ...product, price: 'x' };
// @ts-expect-error status is one of three
const otherStatus: Product = { ...product, status: 'SOLD_OUT' };

type ViewData = paths['/v1/tenants/{tenant}/views/product-detail/{entityId}']['get']['responses'][200]['content']['application/json']['data'];
exact<ViewData['price'], number>(true);
exact<NonNullable<ViewData['brand_name']>, string>(true);
// A joined field may be missing (no such brand): optional, unlike the root's required fields.
exact<ViewData['brand_name'], string | undefined>(true);

type DeployStatus = paths['/v1/tenants/{tenant}/deploys/{jobId}']['get']['responses'][200]['content']['application/json'];
exact<DeployStatus['state'], 'QUEUED' | 'RUNNING' | 'READY' | 'SINKING' | 'DONE' | 'FAILED'>(true);

type DeployRecord = paths['/v1/tenants/{tenant}/deploys']['post']['requestBody']['content']['application/json']['records'][number];
const records: DeployRecord[] = [
  { entityType: 'product', entityId: 'A1', version: 1, data: product },
  { entityType: 'brand', entityId: 'B1', version: 2, deleted: true },
];
// @ts-expect-error a brand record carries a brand document, not a product's
const mixedUp: DeployRecord = { entityType: 'brand', entityId: 'B1', version: 1, data: { sku: 'A1', price: 1 } };

export { noSku, otherStatus, records, textPrice, mixedUp };
`;

describe('a client generated from /openapi.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivm-openapi-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('comes from a valid OpenAPI 3.1 document and types raw documents, views and deploys by the contracts', async () => {
    const answer = await api.request('GET', '/openapi.json', { key: null });
    // The validator resolves references in place: give it its own copy.
    const validation = await validate(JSON.parse(answer.text) as Parameters<typeof validate>[0]);
    expect(validation).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });

    // The generator's own CLI, as a user runs it (in a process of its own: it loads ES modules jest cannot).
    writeFileSync(join(dir, 'openapi.json'), answer.text);
    const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');
    await promisify(execFile)(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'api.d.ts')]);
    writeFileSync(join(dir, 'uses.ts'), USES);
    const program = ts.createProgram([join(dir, 'uses.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      types: [],
      skipLibCheck: false,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  });
});
