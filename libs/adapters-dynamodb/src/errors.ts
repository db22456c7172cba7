/**
 * A DynamoDB request failed for a reason the adapter does not translate (network, throttling
 * past the SDK's retries, a missing table, an oversized item…). Adapters translate, they do not
 * decide: the original SDK error is kept as `cause`, and callers map the code to their own answer.
 */
export class DynamoStoreError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`DynamoDB ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DynamoStoreError';
  }
}

/** An item in a table does not have the shape this adapter writes (written by something else). */
export class DynamoItemShapeError extends Error {
  readonly code = 'STORE_CORRUPT_ITEM';

  constructor(table: string, attribute: string) {
    super(`An item of ${table} has no valid "${attribute}" attribute`);
    this.name = 'DynamoItemShapeError';
  }
}

/** The SDK's error name for a failed ConditionExpression (the one failure the stores translate). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function isResourceNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

export function isResourceInUse(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceInUseException';
}
