import type { ContractRegistry } from '../src';
import { type ContractSource, registryFromSources, rewriteSource, sampleContractSources } from './sample-contracts';

/**
 * Contract variants the property world runs under, each with a RuleSet-version-bumped twin the
 * world can switch to mid-sequence (a rolling upgrade to compatible contracts: the product schema
 * and RuleSet move to 1.1.0, nothing they produce changes).
 *
 * - `sample`: the repository's catalog (fan-out batches of up to 500, one enriched slice type).
 * - `badge`: the brand join feeds a second slice type, PRODUCT_BADGE (brand name and the colour
 *   attribute), so a brand change rebuilds two types per parent and batches hold
 *   floor(5 / 2) = 2 parents. PRODUCT_BADGE is empty (a tombstone) for a product with no colour
 *   and no live brand: the FAIL_CLOSED product-detail view then answers SLICE_MISSING, and the
 *   PARTIAL product-badge view reports it missing.
 * - `coreJoin`: PRODUCT_CORE, an index source, projects the brand name too, so fan-out rebuilds
 *   index-source slices; batches of maxFanoutPerBatch 2 over two types hold one parent each.
 */
export type ContractVariant = 'sample' | 'badge' | 'coreJoin';

export const CONTRACT_VARIANTS: readonly ContractVariant[] = ['sample', 'badge', 'coreJoin'];

export interface WorldContracts {
  readonly variant: ContractVariant;
  /** The registry a world starts with (product RuleSet 1.0.0). */
  readonly registry: ContractRegistry;
  /** The same contracts with the product schema and RuleSet at version 1.1.0. */
  readonly bumped: ContractRegistry;
  /** The views a world checks. */
  readonly views: readonly string[];
  /** What a brand rename fans out to, stated here rather than read from the contracts. */
  readonly fanout: { readonly sliceTypes: readonly string[]; readonly parentsPerBatch: number };
}

/** Per variant: the product slice types the brand join feeds, and the parents one batch may hold. */
const FANOUT: Record<ContractVariant, WorldContracts['fanout']> = {
  sample: { sliceTypes: ['PRODUCT_BRAND_ENRICHED'], parentsPerBatch: 500 },
  badge: { sliceTypes: ['PRODUCT_BRAND_ENRICHED', 'PRODUCT_BADGE'], parentsPerBatch: 2 },
  coreJoin: { sliceTypes: ['PRODUCT_CORE', 'PRODUCT_BRAND_ENRICHED'], parentsPerBatch: 1 },
};

const edit = (sources: readonly ContractSource[], file: string, from: string | RegExp, to: string): ContractSource[] =>
  rewriteSource(sources, file, (text) => text.replace(from, to));

function variantSources(variant: ContractVariant): ContractSource[] {
  let s = sampleContractSources();
  switch (variant) {
    case 'sample':
      return s;
    case 'badge':
      s = edit(
        s,
        'rulesets/product.yaml',
        '      brand_id: /brand_id\n    joins: [brand]\n',
        '      brand_id: /brand_id\n    joins: [brand]\n  - type: PRODUCT_BADGE\n    fields:\n      color: /attributes/color\n    joins: [brand]\n',
      );
      s = edit(s, 'rulesets/product.yaml', '{ path: /attributes, slices: [PRODUCT_CORE] }', '{ path: /attributes, slices: [PRODUCT_CORE, PRODUCT_BADGE] }');
      s = edit(
        s,
        'rulesets/product.yaml',
        '{ path: /brand_id, slices: [PRODUCT_CORE, PRODUCT_BRAND_ENRICHED] }',
        '{ path: /brand_id, slices: [PRODUCT_CORE, PRODUCT_BRAND_ENRICHED, PRODUCT_BADGE] }',
      );
      s = edit(
        s,
        'rulesets/product.yaml',
        '{ path: /name, slices: [PRODUCT_BRAND_ENRICHED] }',
        '{ path: /name, slices: [PRODUCT_BRAND_ENRICHED, PRODUCT_BADGE] }',
      );
      s = edit(s, 'rulesets/product.yaml', 'maxFanoutPerBatch: 500', 'maxFanoutPerBatch: 5');
      s = edit(
        s,
        'views/product-detail.yaml',
        'slices: [PRODUCT_CORE, PRODUCT_PRICE, PRODUCT_BRAND_ENRICHED]',
        'slices: [PRODUCT_CORE, PRODUCT_PRICE, PRODUCT_BRAND_ENRICHED, PRODUCT_BADGE]',
      );
      s = edit(s, 'views/product-detail.yaml', /$/, '  color: { slice: PRODUCT_BADGE, path: /color }\n');
      return [
        ...s,
        {
          path: 'views/product-badge.yaml',
          text: [
            'kind: View',
            'id: product-badge',
            'version: 1.0.0',
            'root: product',
            'slices: [PRODUCT_PRICE, PRODUCT_BADGE]',
            'missingSlicePolicy: PARTIAL',
            'fields:',
            '  price: { slice: PRODUCT_PRICE, path: /price }',
            '  color: { slice: PRODUCT_BADGE, path: /color }',
            '  brand_name: { slice: PRODUCT_BADGE, path: /brand_name }',
            '',
          ].join('\n'),
        },
      ];
    case 'coreJoin':
      s = edit(s, 'rulesets/product.yaml', '      attributes: /attributes\n', '      attributes: /attributes\n    joins: [brand]\n');
      s = edit(
        s,
        'rulesets/product.yaml',
        '{ path: /name, slices: [PRODUCT_BRAND_ENRICHED] }',
        '{ path: /name, slices: [PRODUCT_CORE, PRODUCT_BRAND_ENRICHED] }',
      );
      return edit(s, 'rulesets/product.yaml', 'maxFanoutPerBatch: 500', 'maxFanoutPerBatch: 2');
  }
}

/** The product schema and RuleSet at 1.1.0 (the RuleSet naming the new schema). */
function bump(sources: readonly ContractSource[]): ContractSource[] {
  let s = edit(sources, 'schemas/product.yaml', /^version: 1\.0\.0$/m, 'version: 1.1.0');
  s = edit(s, 'rulesets/product.yaml', /^version: 1\.0\.0$/m, 'version: 1.1.0');
  return edit(s, 'rulesets/product.yaml', 'schema: { id: product, version: 1.0.0 }', 'schema: { id: product, version: 1.1.0 }');
}

const cache = new Map<ContractVariant, WorldContracts>();

/** A variant's contracts (built once per process). */
export function worldContracts(variant: ContractVariant): WorldContracts {
  let found = cache.get(variant);
  if (!found) {
    const sources = variantSources(variant);
    found = {
      variant,
      registry: registryFromSources(sources),
      bumped: registryFromSources(bump(sources)),
      views: variant === 'badge' ? ['product-detail', 'product-badge'] : ['product-detail'],
      fanout: FANOUT[variant],
    };
    cache.set(variant, found);
  }
  return found;
}
