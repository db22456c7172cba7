import { DomainError, StoreCorruptItemError, StoreUnavailableError } from '@ivm/domain';

/**
 * PostgreSQL or the driver failed (refused or dropped connection, timeout, a deadlock or
 * serialization failure, a missing table): the port's transient error with the driver's error
 * as `cause`. The message names the operation and the driver's words, for logs.
 */
export function storeUnavailable(operation: string, cause: unknown): StoreUnavailableError {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? ` [${cause.code}]` : '';
  return new StoreUnavailableError(operation, `PostgreSQL ${operation} failed${code}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/** Domain errors (outcomes the port names, corrupt rows) pass; anything else from below is StoreUnavailableError. */
export function translate(operation: string, error: unknown): Error {
  return error instanceof DomainError ? error : storeUnavailable(operation, error);
}

/** Runs one storage operation, translating its failures at the edge. */
export async function guarded<T>(operation: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw translate(operation, error);
  }
}

/** A row this adapter cannot read back (written by something else, or damaged). */
export function corrupt(table: string, column: string, cause?: unknown): StoreCorruptItemError {
  return new StoreCorruptItemError(table, column, cause === undefined ? {} : { cause });
}
