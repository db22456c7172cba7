/** `product-detail` → `productDetail`; `opensearch_products` → `opensearchProducts`. */
export function camelCase(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** `product-detail` → `ProductDetail`. */
export function pascalCase(id: string): string {
  const camel = camelCase(id);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

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
