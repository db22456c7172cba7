/** The part of a response schema that decides which fields fast-json-stringify writes. */
export interface ResponseSchema {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, ResponseSchema>>;
  readonly additionalProperties?: boolean | ResponseSchema;
  readonly items?: ResponseSchema;
}

/**
 * JSON Pointers of the fields in `value` that `schema` does not declare. fast-json-stringify
 * drops those without a word, so a field a use case starts returning would vanish from the
 * answer unnoticed; the test API reports them instead.
 */
export function undeclaredFields(schema: ResponseSchema, value: unknown, at = ''): string[] {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.flatMap((item, i) => undeclaredFields(items, item, `${at}/${i}`)) : [];
  }
  if (value === null || typeof value !== 'object' || !describesObject(schema)) return [];
  const found: string[] = [];
  for (const [name, field] of Object.entries(value)) {
    // Undefined is absent in JSON whatever the schema says.
    if (field === undefined) continue;
    const where = `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const declared = schema.properties?.[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (declared) found.push(...undeclaredFields(declared, field, where));
    else if (schema.additionalProperties !== true) found.push(where);
  }
  return found;
}

/** `{}` (any JSON) is written whole; an object schema writes only what it declares. */
function describesObject(schema: ResponseSchema): boolean {
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  return types.includes('object') || schema.properties !== undefined || schema.additionalProperties !== undefined;
}
