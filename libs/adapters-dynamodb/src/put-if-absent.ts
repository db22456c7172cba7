import { type PutIfAbsentResult } from '@ivm/domain';
import { type Item } from './codec';
import { StoreUnavailableError } from '@ivm/domain';
import { type Requests } from './requests';

/**
 * PutItem unless the key exists (`attribute_not_exists(PK)`); when it does, the record already
 * there. Records stored this way are immutable, so reading it after the failed condition is stable.
 */
export async function putIfAbsent<T>(
  requests: Requests,
  table: string,
  item: Item,
  readExisting: () => Promise<T | undefined>,
  what: string,
): Promise<PutIfAbsentResult<T>> {
  const stored = await requests.putItem({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' });
  if (stored) return { stored: true };
  const existing = await readExisting();
  if (!existing) throw new StoreUnavailableError('PutItem', `${what} failed its put condition but cannot be read`);
  return { stored: false, existing };
}
