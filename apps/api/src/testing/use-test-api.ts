import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import { startTestApi, type TestApi, type TestApiOptions } from './http-harness';

/** Starting takes well under a second; a start that takes longer is broken, not slow. */
const START_TIMEOUT_MS = 15_000;

export interface TestApiHandle {
  /** Stands for the running API; using it when none runs throws, naming why (e.g. the contracts' problems). */
  readonly api: TestApi;
  /** TestApi.takeUndeclaredFields of the running API; none when no API runs. */
  takeUndeclaredFields(): string[];
  start(options?: TestApiOptions): Promise<void>;
  close(): Promise<void>;
}

/**
 * One test API for the enclosing describe block (or file): started before its tests, closed
 * after them. Use the returned object inside tests as the API itself (`api.request(…)`).
 * A start that fails (contracts that do not load) fails every test of the block with its message.
 * A test whose answers held a field their route's response schema does not declare fails too.
 */
export function useTestApi(options: TestApiOptions = {}): TestApi {
  const handle = testApiHandle();
  beforeAll(() => handle.start(options), START_TIMEOUT_MS);
  afterEach(() => expect(handle.takeUndeclaredFields()).toEqual([]));
  afterAll(() => handle.close());
  return handle.api;
}

/** The start/close lifecycle behind useTestApi, without the jest hooks (so it can be tested itself). */
export function testApiHandle(): TestApiHandle {
  let running: TestApi | undefined;
  let failure: Error | undefined;
  const current = (): TestApi => {
    if (running) return running;
    if (failure) throw new Error(`The test API did not start: ${failure.message}`, { cause: failure });
    throw new Error('The test API is not running: use it inside tests (it starts in beforeAll and stops in afterAll)');
  };
  const api = new Proxy({} as TestApi, {
    get(_target, property) {
      // Never a thenable: returning the stand-in from an async function must not call into it.
      if (property === 'then') return undefined;
      const target = current();
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    api,
    takeUndeclaredFields: () => running?.takeUndeclaredFields() ?? [],
    async start(options = {}) {
      try {
        running = await startTestApi(options);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error), { cause: error });
        throw failure;
      }
    },
    async close() {
      const closing = running;
      running = undefined;
      await closing?.close();
    },
  };
}

/** A test API (useTestApi) and the webhook receiver its `personalize` sink delivers to. */
export interface TestApiWithReceiver {
  readonly api: TestApi;
  /** The receiver, started before the API and closed after the block; inside tests only. */
  receiver(): WebhookReceiver;
}

/** useTestApi with `PERSONALIZE_WEBHOOK_URL` pointing at a webhook receiver started just before it. */
export function useTestApiWithReceiver(options: TestApiOptions = {}): TestApiWithReceiver {
  // Filled in before the API starts: useTestApi reads its options at start.
  const env: Record<string, string> = { ...options.env };
  let running: WebhookReceiver | undefined;
  beforeAll(async () => {
    running = await startWebhookReceiver();
    env['PERSONALIZE_WEBHOOK_URL'] = running.url;
  });
  afterAll(() => running?.close());
  const api = useTestApi({ ...options, env });
  return {
    api,
    receiver() {
      if (running === undefined) throw new Error('The webhook receiver is not running: use it inside tests');
      return running;
    },
  };
}
