/** One entity type of a generated catalog: its ingest method names and its id field. */
export interface CatalogEntity {
  readonly entityType: string;
  readonly idField: string;
  /** `product(doc, {version})`. */
  readonly add: string;
  /** `products([{doc, version}, …])`. */
  readonly addMany: string;
  /** `deleteProduct(id, {version})`. */
  readonly remove: string;
}

/** What a generated SDK knows of its contracts at run time: method names → contract ids. */
export interface CatalogDescriptor {
  readonly entities: readonly CatalogEntity[];
  /** Sink method name (`opensearchProducts`) → Sink contract id (`opensearch-products`). */
  readonly sinks: Readonly<Record<string, string>>;
  /** View property name (`productDetail`) → View contract id (`product-detail`). */
  readonly views: Readonly<Record<string, string>>;
  /** The contracts the SDK was generated from (`[{kind, id, version}]`). */
  readonly contracts: readonly { readonly kind: string; readonly id: string; readonly version: string }[];
}
