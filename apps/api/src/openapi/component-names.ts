import { pascalCaseId } from '@ivm/domain';

/**
 * PascalCase of a contract id (`product-detail` → `ProductDetail`): the words between any
 * non-alphanumeric characters, each capitalised, the rest of each word kept as written.
 * @throws Error when the id has no letter or digit to name a component by
 */
export function pascalCase(id: string): string {
  // The domain's casing, so the SDK's generated types carry the same names.
  const name = pascalCaseId(id);
  if (name === '') throw new Error(`OpenAPI: the contract id "${id}" has no letter or digit to name its schema by`);
  return name;
}

/**
 * The names given out in one document. Two contracts whose ids differ only in case or separators
 * (`product-item`, `product_item`) would share a schema name and a generated type: that is a
 * catalog the document cannot express, so it fails at boot naming both, never silently merges.
 */
export class ComponentNames {
  private readonly owners = new Map<string, string>();

  constructor(reserved: readonly string[]) {
    for (const name of reserved) this.owners.set(name, 'the API itself');
  }

  /** Takes `name` for `owner` (e.g. `View product-detail`). @throws Error when it is taken */
  claim(name: string, owner: string): string {
    const holder = this.owners.get(name);
    if (holder !== undefined) throw new Error(`OpenAPI: ${owner} and ${holder} both map to the schema name "${name}"; rename one of them`);
    this.owners.set(name, owner);
    return name;
  }
}
