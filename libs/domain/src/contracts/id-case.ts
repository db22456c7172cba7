// Generated code names things after contract ids: the SDK's types and methods, the OpenAPI
// document's components. One casing here keeps `ProductDetailView` the same name in both.

/** The words of a contract id: the runs of letters and digits (`product-detail` → product, detail). */
function words(id: string): string[] {
  return id.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `product-detail` → `ProductDetail`: each word capitalised, the rest kept as written; '' when the id has no letter or digit. */
export function pascalCaseId(id: string): string {
  return words(id).map(capitalised).join('');
}

/** `opensearch-products` → `opensearchProducts`: PascalCase with the first letter lowered. */
export function camelCaseId(id: string): string {
  const pascal = pascalCaseId(id);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}
