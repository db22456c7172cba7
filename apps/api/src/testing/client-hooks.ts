import { type DynamoClientLike, operationName } from '@ivm/adapters-dynamodb';

/** A DynamoDB request as a hook sees it: the operation name (PutItem, UpdateItem…) and the command's input. */
export interface SeenRequest {
  readonly operation: string;
  readonly input: unknown;
}

export interface Hold {
  /** The client hook to pass as TestApiOptions.clientHook. */
  readonly clientHook: (client: DynamoClientLike) => DynamoClientLike;
  /** Resolves when the first matching request arrived; it is held until `release()`. */
  readonly held: Promise<SeenRequest>;
  /** Lets the held request go on to the engine (and every later one: only the first is held). */
  release(): void;
}

/**
 * Holds back the first request that `matches` until the test releases it, and passes every other
 * request straight through to the real client: a deterministic interleaving of two requests that
 * race, with no sleeps and no mock.
 */
export function holdFirst(matches: (request: SeenRequest) => boolean): Hold {
  let caught = false;
  let seen!: (request: SeenRequest) => void;
  let release!: () => void;
  const held = new Promise<SeenRequest>((resolve) => (seen = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    held,
    release,
    clientHook(client) {
      const send = client.send.bind(client) as (command: object) => Promise<unknown>;
      const hooked = async (command: object & { input?: unknown }): Promise<unknown> => {
        const request = { operation: operationName(command), input: command.input };
        if (!caught && matches(request)) {
          caught = true;
          seen(request);
          await released;
        }
        return send(command);
      };
      return { send: hooked } as DynamoClientLike;
    },
  };
}

const WRITES: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'BatchWriteItem', 'DeleteItem']);

interface Attribute {
  readonly S?: string;
  readonly N?: string;
}
type Attributes = Readonly<Record<string, Attribute | undefined>>;

/**
 * A write (PutItem, UpdateItem, BatchWriteItem, DeleteItem) of an item whose partition key is `pk`
 * at `version`: an item or key with that PK whose sort key is the version (a raw record), or an
 * update of that PK binding the version as a value (a head's `lv = :v`).
 */
export function writeConcerning(pk: string, version: number): (request: SeenRequest) => boolean {
  const v = String(version);
  const item = (attributes: Attributes | undefined) => attributes?.['PK']?.S === pk && attributes['SK']?.N === v;
  return ({ operation, input }) => {
    if (!WRITES.has(operation)) return false;
    const request = input as {
      Item?: Attributes;
      Key?: Attributes;
      ExpressionAttributeValues?: Attributes;
      RequestItems?: Record<string, { PutRequest?: { Item: Attributes }; DeleteRequest?: { Key: Attributes } }[]>;
    };
    if (operation === 'PutItem') return item(request.Item);
    if (operation === 'DeleteItem') return item(request.Key);
    if (operation === 'UpdateItem')
      return item(request.Key) || (request.Key?.['PK']?.S === pk && Object.values(request.ExpressionAttributeValues ?? {}).some((value) => value?.N === v));
    return Object.values(request.RequestItems ?? {}).some((writes) => writes.some((w) => item(w.PutRequest?.Item) || item(w.DeleteRequest?.Key)));
  };
}
