// Contract ids are cased by the domain (camelCaseId, pascalCaseId), as the OpenAPI document's names are.

/** `product` → `products`, `category` → `categories`, `box` → `boxes`: the batch method's name. */
export function plural(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `name` can be a TypeScript identifier (and so a method or type name). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}
