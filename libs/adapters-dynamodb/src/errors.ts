import { ItemTooLargeError, StoreUnavailableError } from '@ivm/domain';

/**
 * A DynamoDB request failed for a reason the adapter does not translate into an outcome
 * (network, throttling past the SDK's retries, a missing table): the port's transient error,
 * with the SDK error as `cause`. Its message names the operation and the SDK's words, for logs;
 * callers answer with the stable code, never this message.
 */
export function storeUnavailable(operation: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(operation, `DynamoDB ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/** DynamoDB refuses an item over 400 KB with a ValidationException; `codec.assertItemSize` catches it before sending. */
export function translateRequestError(operation: string, error: unknown): Error {
  if (error instanceof Error && error.name === 'ValidationException' && /item size/i.test(error.message)) {
    return new ItemTooLargeError(`An item written by ${operation}`, undefined, MAX_ITEM_BYTES);
  }
  return storeUnavailable(operation, error);
}

/** DynamoDB's limit on one item, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

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
