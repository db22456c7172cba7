import {
  type ChangeSetRecord,
  type IndexEntry,
  insertRawdata,
  type JsonObject,
  queryView,
  type RawRecord,
  type SliceRecord,
  type SliceSet,
  SlicingEngine,
  type SliceWrite,
  type Stores,
} from '../src';
import { sampleRegistry } from './sample-contracts';

export interface ContractStoresHandle {
  readonly stores: Stores;
  cleanup(): Promise<void>;
}

/** A JSON payload that breaks naive encodings: unicode, nesting, empty containers, awkward numbers. */
export const AWKWARD_PAYLOAD: JsonObject = {
  name: '상품 – ünïcödé 🎉 "quoted" \\ back\nslash',
  'ключ с пробелом': 'v',
  nested: { deeper: { deepest: [1, [2, [3, { four: 4 }]]], empty: {} } },
  emptyArray: [],
  emptyObject: {},
  emptyString: '',
  numbers: [0, 0.1, 1e21, -1.5, 123456789.123, 9007199254740991, 1e-7],
  flags: [true, false, null],
};

/**
 * The store-port contract: the semantics of the in-memory reference stores, which every store
 * adapter must pass. `makeStores` is called once for the block; each test works in its own
 * tenant, so the tests are independent without fresh stores per test.
 */
export function describeStoreContract(name: string, makeStores: () => Promise<ContractStoresHandle>): void {
  describe(`store contract: ${name}`, () => {
    let handle: ContractStoresHandle | undefined;
    let tenants = 0;
    const stores = (): Stores => {
      if (!handle) throw new Error('stores are not ready');
      return handle.stores;
    };
    /** A tenant of its own for each use (valid tenant ids: lower-case, digits, '-', '_'). */
    const freshTenant = (): string => `tenant-${++tenants}`;

    beforeAll(async () => {
      handle = await makeStores();
    });
    afterAll(async () => {
      await handle?.cleanup();
    });

    describe('raw store and heads', () => {
      it('appends newer versions, copying each into the head, and returns the record at an existing version instead of overwriting', async () => {
        const t = freshTenant();
        const first = raw(t, 'product#P1', 1, { sku: 'P1', name: 'first' });
        await expect(stores().raw.append(first)).resolves.toEqual({ outcome: 'stored' });
        await expect(stores().raw.append(raw(t, 'product#P1', 1, { sku: 'P1', name: 'other' }))).resolves.toEqual({ outcome: 'exists', existing: first });
        await expect(stores().raw.append(first)).resolves.toEqual({ outcome: 'exists', existing: first });
        await expect(stores().raw.get(t, 'product#P1', 1)).resolves.toEqual(first);
        await expect(stores().heads.get(t, 'product#P1')).resolves.toEqual({ tenantId: t, entityKey: 'product#P1', latest: first, revision: 0 });
        const second = raw(t, 'product#P1', 7, { sku: 'P1', name: 'second' });
        await expect(stores().raw.append(second)).resolves.toEqual({ outcome: 'stored' });
        await expect(stores().heads.get(t, 'product#P1')).resolves.toEqual({ tenantId: t, entityKey: 'product#P1', latest: second, revision: 0 });
      });

      it('refuses a version not newer than the head, but still reports an older version that exists', async () => {
        const t = freshTenant();
        const ten = raw(t, 'product#P1', 10, { sku: 'P1', v: 10 });
        await stores().raw.append(raw(t, 'product#P1', 5, { sku: 'P1', v: 5 }));
        await stores().raw.append(ten);
        await expect(stores().raw.append(raw(t, 'product#P1', 9, { sku: 'P1', v: 9 }))).resolves.toEqual({ outcome: 'not-newer', latest: 10 });
        await expect(stores().raw.append(raw(t, 'product#P1', 5, { sku: 'P1', v: 'other' }))).resolves.toMatchObject({
          outcome: 'exists',
          existing: { version: 5 },
        });
        await expect(stores().raw.get(t, 'product#P1', 9)).resolves.toBeUndefined();
        await expect(stores().heads.get(t, 'product#P1')).resolves.toMatchObject({ latest: ten });
      });

      it('stores a deletion only over a live newest version', async () => {
        const t = freshTenant();
        await expect(stores().raw.append(raw(t, 'product#P1', 1, null))).resolves.toEqual({ outcome: 'nothing-to-delete' });
        await expect(stores().heads.get(t, 'product#P1')).resolves.toBeUndefined();
        await stores().raw.append(raw(t, 'product#P1', 2, { sku: 'P1' }));
        const tombstone = raw(t, 'product#P1', 2 ** 40, null);
        await expect(stores().raw.append(tombstone)).resolves.toEqual({ outcome: 'stored' });
        await expect(stores().raw.append(raw(t, 'product#P1', 2 ** 41, null))).resolves.toEqual({ outcome: 'nothing-to-delete' });
        await expect(stores().heads.get(t, 'product#P1')).resolves.toMatchObject({ latest: tombstone });
        await expect(stores().raw.get(t, 'product#P1', 2 ** 40)).resolves.toEqual(tombstone);
        await expect(stores().raw.append(raw(t, 'product#P1', 2 ** 41, { sku: 'P1', back: true }))).resolves.toEqual({ outcome: 'stored' });
      });

      it('gets exact versions only; missing versions and entities are undefined', async () => {
        const t = freshTenant();
        await stores().raw.append(raw(t, 'product#P1', 2, { sku: 'P1' }));
        await expect(stores().raw.get(t, 'product#P1', 1)).resolves.toBeUndefined();
        await expect(stores().raw.get(t, 'product#P1', 3)).resolves.toBeUndefined();
        await expect(stores().raw.get(t, 'product#NOPE', 2)).resolves.toBeUndefined();
        await expect(stores().heads.get(t, 'product#NOPE')).resolves.toBeUndefined();
      });

      it('of many racing appends of one entity, the newest acknowledged is the head and nothing older is stored after it', async () => {
        const t = freshTenant();
        await stores().raw.append(raw(t, 'product#R', 1, { sku: 'R', v: 1 }));
        // Versions 2..41 race in a shuffled order, several times each.
        const versions = Array.from({ length: 40 }, (_, i) => i + 2);
        const order = [...versions, ...versions.slice(0, 20)].sort((a, b) => ((a * 7919) % 41) - ((b * 7919) % 41));
        const results = await Promise.all(order.map(async (v) => ({ v, result: await stores().raw.append(raw(t, 'product#R', v, { sku: 'R', v })) })));
        const stored = results.filter(({ result }) => result.outcome === 'stored').map(({ v }) => v);
        expect(new Set(stored).size).toBe(stored.length);
        const head = await stores().heads.get(t, 'product#R');
        expect(head?.latest.version).toBe(Math.max(...stored));
        for (const { v, result } of results) {
          const there = await stores().raw.get(t, 'product#R', v);
          if (result.outcome === 'stored') expect(there?.version).toBe(v);
          else if (result.outcome === 'not-newer') {
            // Refused because a newer version was already in the head; stored only if a twin append won.
            expect(result.latest).toBeGreaterThan(v - 1);
            expect(there === undefined || stored.includes(v)).toBe(true);
          } else expect(result).toMatchObject({ outcome: 'exists', existing: { version: v } });
        }
      });

      it('getMany maps present keys to their heads and leaves missing keys out', async () => {
        const t = freshTenant();
        await stores().raw.append(raw(t, 'brand#B1', 1, { brand_id: 'B1', name: 'one' }));
        await stores().raw.append(raw(t, 'brand#B1', 2, { brand_id: 'B1', name: 'two' }));
        await stores().raw.append(raw(t, 'brand#B2', 1, { brand_id: 'B2' }));
        await stores().raw.append(raw(t, 'brand#B2', 2, null));
        const found = await stores().heads.getMany(t, ['brand#B2', 'brand#MISSING', 'brand#B1', 'brand#B1']);
        expect([...found.keys()].sort()).toEqual(['brand#B1', 'brand#B2']);
        expect(found.get('brand#B1')?.latest).toEqual(raw(t, 'brand#B1', 2, { brand_id: 'B1', name: 'two' }));
        expect(found.get('brand#B2')?.latest.deleted).toBe(true);
        expect((await stores().heads.getMany(t, [])).size).toBe(0);
        // More keys than one batched read takes (DynamoDB: 100).
        const many = Array.from({ length: 130 }, (_, i) => `brand#M${i}`);
        for (const key of many.slice(0, 110)) await stores().raw.append(raw(t, key, 1, { brand_id: key }));
        const heads = await stores().heads.getMany(t, many);
        expect(heads.size).toBe(110);
        expect(heads.get('brand#M109')?.latest.data).toEqual({ brand_id: 'brand#M109' });
      });

      it('commits slicing state by compare-and-set on the revision, leaving the raw part alone', async () => {
        const t = freshTenant();
        await stores().raw.append(raw(t, 'product#P1', 1, { sku: 'P1' }));
        const set = (version: number, hash: string): SliceSet => ({
          version,
          fromVersion: 0,
          slices: { CORE: { version, hash }, PRICE: { version: 1, hash: 'p' } },
        });
        await expect(stores().heads.commit(t, 'product#P1', 1, { sliced: set(1, 'a') })).resolves.toBe(false);
        await expect(stores().heads.commit(t, 'product#NOPE', 0, { sliced: set(1, 'a') })).resolves.toBe(false);
        await expect(stores().heads.commit(t, 'product#P1', 0, { sliced: set(1, 'a'), active: set(1, 'a') })).resolves.toBe(true);
        await expect(stores().heads.commit(t, 'product#P1', 0, { sliced: set(1, 'b') })).resolves.toBe(false);
        await stores().raw.append(raw(t, 'product#P1', 2, { sku: 'P1', v: 2 }));
        const head = await stores().heads.get(t, 'product#P1');
        expect(head).toEqual({
          tenantId: t,
          entityKey: 'product#P1',
          latest: raw(t, 'product#P1', 2, { sku: 'P1', v: 2 }),
          sliced: set(1, 'a'),
          active: set(1, 'a'),
          revision: 1,
        });
        // A commit without `active` clears it; the raw part stays.
        await expect(stores().heads.commit(t, 'product#P1', 1, { sliced: set(2, 'c') })).resolves.toBe(true);
        expect(await stores().heads.get(t, 'product#P1')).toEqual({
          tenantId: t,
          entityKey: 'product#P1',
          latest: raw(t, 'product#P1', 2, { sku: 'P1', v: 2 }),
          sliced: set(2, 'c'),
          revision: 2,
        });
      });

      it('of many racing commits from one revision exactly one wins', async () => {
        const t = freshTenant();
        await stores().raw.append(raw(t, 'product#C', 1, { sku: 'C' }));
        const attempts = Array.from({ length: 12 }, (_, i): SliceSet => ({ version: i + 1, slices: {} }));
        const won = await Promise.all(attempts.map((sliced) => stores().heads.commit(t, 'product#C', 0, { sliced, active: sliced })));
        expect(won.filter(Boolean)).toHaveLength(1);
        const winner = attempts[won.indexOf(true)];
        await expect(stores().heads.get(t, 'product#C')).resolves.toMatchObject({ sliced: winner, active: winner, revision: 1 });
      });

      it('keeps tenants apart', async () => {
        const a = freshTenant();
        const b = freshTenant();
        await stores().raw.append(raw(a, 'product#P1', 1, { owner: 'a' }));
        await expect(stores().raw.append(raw(b, 'product#P1', 1, { owner: 'b' }))).resolves.toEqual({ outcome: 'stored' });
        await expect(stores().raw.get(a, 'product#P1', 1)).resolves.toEqual(raw(a, 'product#P1', 1, { owner: 'a' }));
        await expect(stores().raw.get(b, 'product#P1', 1)).resolves.toEqual(raw(b, 'product#P1', 1, { owner: 'b' }));
        await stores().raw.append(raw(a, 'product#P2', 1, { owner: 'a' }));
        await expect(stores().heads.get(b, 'product#P2')).resolves.toBeUndefined();
        expect((await stores().heads.getMany(freshTenant(), ['product#P1'])).size).toBe(0);
      });

      it('round-trips awkward JSON payloads exactly', async () => {
        const t = freshTenant();
        const record = raw(t, 'product#ÜNI-🎉', 1, AWKWARD_PAYLOAD);
        await stores().raw.append(record);
        const read = await stores().raw.get(t, 'product#ÜNI-🎉', 1);
        expect(read).toEqual(record);
        expect(JSON.stringify(read?.data)).toBe(JSON.stringify(AWKWARD_PAYLOAD));
      });
    });

    describe('change set store', () => {
      it('stores a change set once and returns the existing one instead of overwriting', async () => {
        const t = freshTenant();
        const first = changeSet(t, 'product#P1', 0, 1, 'h-first');
        await expect(stores().changeSets.putIfAbsent(first)).resolves.toEqual({ stored: true });
        await expect(stores().changeSets.putIfAbsent(changeSet(t, 'product#P1', 0, 1, 'h-other'))).resolves.toEqual({ stored: false, existing: first });
        await expect(stores().changeSets.get(t, 'product#P1', 0, 1, CS)).resolves.toEqual(first);
      });

      it('gets by exact (from, to), numerically, per tenant', async () => {
        const t = freshTenant();
        const nineTen = changeSet(t, 'product#P1', 9, 10, 'h-9-10');
        const tenHundred = changeSet(t, 'product#P1', 10, 100, 'h-10-100');
        await stores().changeSets.putIfAbsent(nineTen);
        await stores().changeSets.putIfAbsent(tenHundred);
        await expect(stores().changeSets.get(t, 'product#P1', 9, 10, CS)).resolves.toEqual(nineTen);
        await expect(stores().changeSets.get(t, 'product#P1', 10, 100, CS)).resolves.toEqual(tenHundred);
        await expect(stores().changeSets.get(t, 'product#P1', 9, 100, CS)).resolves.toBeUndefined();
        await expect(stores().changeSets.get(t, 'product#P1', 1, 10, CS)).resolves.toBeUndefined();
        await expect(stores().changeSets.get(t, 'product#P2', 9, 10, CS)).resolves.toBeUndefined();
        await expect(stores().changeSets.get(freshTenant(), 'product#P1', 9, 10, CS)).resolves.toBeUndefined();
      });

      it('keys change sets by the contract versions they were computed under', async () => {
        const t = freshTenant();
        const first = changeSet(t, 'product#P1', 1, 2, 'h-1.2.0');
        const upgraded: ChangeSetRecord = { ...changeSet(t, 'product#P1', 1, 2, 'h-1.3.0'), ruleSetRef: { id: 'product', version: '1.3.0' } };
        const otherSchema: ChangeSetRecord = { ...changeSet(t, 'product#P1', 1, 2, 'h-schema'), schemaRef: { id: 'product', version: '1.1.0' } };
        for (const record of [first, upgraded, otherSchema]) await expect(stores().changeSets.putIfAbsent(record)).resolves.toEqual({ stored: true });
        await expect(stores().changeSets.get(t, 'product#P1', 1, 2, CS)).resolves.toEqual(first);
        await expect(
          stores().changeSets.get(t, 'product#P1', 1, 2, { schemaRef: CS.schemaRef, ruleSetRef: { id: 'product', version: '1.3.0' } }),
        ).resolves.toEqual(upgraded);
        await expect(
          stores().changeSets.get(t, 'product#P1', 1, 2, { schemaRef: { id: 'product', version: '1.1.0' }, ruleSetRef: CS.ruleSetRef }),
        ).resolves.toEqual(otherSchema);
        await expect(
          stores().changeSets.get(t, 'product#P1', 1, 2, { schemaRef: CS.schemaRef, ruleSetRef: { id: 'product', version: '9.0.0' } }),
        ).resolves.toBeUndefined();
      });
    });

    describe('slice store', () => {
      it('effective is the newest slice at or below the version, per type; missing types are absent', async () => {
        const t = freshTenant();
        const a = (v: number): SliceRecord => slice(t, 'product#P1', v, 'CORE', `a${v}`);
        const b2 = slice(t, 'product#P1', 2, 'PRICE', 'b2');
        const conflicts = await stores().slices.put([a(1), a(3), a(10), a(9), b2].map(absent));
        expect(conflicts).toEqual([]);
        const effective = async (v: number): Promise<Record<string, string>> => {
          const found = await stores().slices.effective(t, 'product#P1', v, ['CORE', 'PRICE', 'NEVER']);
          return Object.fromEntries([...found].map(([type, record]) => [type, `${record.sliceType}@${record.version}`]));
        };
        await expect(effective(0)).resolves.toEqual({});
        await expect(effective(1)).resolves.toEqual({ CORE: 'CORE@1' });
        await expect(effective(2)).resolves.toEqual({ CORE: 'CORE@1', PRICE: 'PRICE@2' });
        await expect(effective(8)).resolves.toEqual({ CORE: 'CORE@3', PRICE: 'PRICE@2' });
        await expect(effective(10)).resolves.toEqual({ CORE: 'CORE@10', PRICE: 'PRICE@2' });
        await expect(effective(2 ** 40)).resolves.toEqual({ CORE: 'CORE@10', PRICE: 'PRICE@2' });
        expect((await stores().slices.effective(t, 'product#P1', 9, ['CORE'])).get('CORE')).toEqual(a(9));
        expect((await stores().slices.effective(t, 'product#P2', 9, ['CORE'])).size).toBe(0);
        expect((await stores().slices.effective(t, 'product#P1', 9, [])).size).toBe(0);
      });

      it('returns tombstones as effective slices and round-trips data, input vectors and refs', async () => {
        const t = freshTenant();
        const live: SliceRecord = {
          ...slice(t, 'product#P1', 1, 'CORE', 'h1'),
          data: AWKWARD_PAYLOAD,
          inputVector: { 'product#P1': 1, 'brand#B1': 0, 'brand#Ü': 7 },
        };
        const tombstone: SliceRecord = { ...slice(t, 'product#P1', 2, 'CORE', 'h-tomb'), tombstone: true, data: null };
        expect(await stores().slices.put([absent(live), absent(tombstone)])).toEqual([]);
        expect((await stores().slices.effective(t, 'product#P1', 1, ['CORE'])).get('CORE')).toEqual(live);
        expect((await stores().slices.effective(t, 'product#P1', 5, ['CORE'])).get('CORE')).toEqual(tombstone);
      });

      it('an absent expectation conflicts with any slice at the exact key, which stays unchanged', async () => {
        const t = freshTenant();
        const original = slice(t, 'product#P1', 1, 'CORE', 'h1');
        expect(await stores().slices.put([absent(original)])).toEqual([]);
        const again = absent(slice(t, 'product#P1', 1, 'CORE', 'h2'));
        expect(await stores().slices.put([again])).toEqual([again]);
        expect(await stores().slices.put([absent(original)])).toEqual([absent(original)]);
        expect((await stores().slices.effective(t, 'product#P1', 1, ['CORE'])).get('CORE')).toEqual(original);
      });

      it('overwrites the exact version only when the stored hash matches the expectation', async () => {
        const t = freshTenant();
        await stores().slices.put([absent(slice(t, 'product#P1', 1, 'CORE', 'h1'))]);
        const wrongHash: SliceWrite = { record: slice(t, 'product#P1', 1, 'CORE', 'h3'), expected: { hash: 'h-not-there' } };
        expect(await stores().slices.put([wrongHash])).toEqual([wrongHash]);
        const overwrite: SliceWrite = { record: slice(t, 'product#P1', 1, 'CORE', 'h2'), expected: { hash: 'h1' } };
        expect(await stores().slices.put([overwrite])).toEqual([]);
        expect((await stores().slices.effective(t, 'product#P1', 1, ['CORE'])).get('CORE')).toEqual(overwrite.record);
        // With an input vector, both must match: the same hash from other inputs (A → B → A) is a conflict.
        const otherInputs: SliceWrite = {
          record: slice(t, 'product#P1', 1, 'CORE', 'h7'),
          expected: { hash: 'h2', inputVector: { 'product#P1': 1, 'brand#B1': 3 } },
        };
        expect(await stores().slices.put([otherInputs])).toEqual([otherInputs]);
        const sameInputs: SliceWrite = { record: slice(t, 'product#P1', 1, 'CORE', 'h8'), expected: { hash: 'h2', inputVector: { 'product#P1': 1 } } };
        expect(await stores().slices.put([sameInputs])).toEqual([]);
        expect((await stores().slices.effective(t, 'product#P1', 1, ['CORE'])).get('CORE')?.hash).toBe('h8');
        const onMissing: SliceWrite = { record: slice(t, 'product#P1', 2, 'CORE', 'h9'), expected: { hash: 'h2' } };
        expect(await stores().slices.put([onMissing])).toEqual([onMissing]);
        expect((await stores().slices.effective(t, 'product#P1', 2, ['CORE'])).get('CORE')?.version).toBe(1);
      });

      it('applies the writes of one call independently and returns exactly the conflicting ones', async () => {
        const t = freshTenant();
        await stores().slices.put([absent(slice(t, 'product#P1', 1, 'CORE', 'h1')), absent(slice(t, 'product#P2', 1, 'CORE', 'h1'))]);
        const writes: SliceWrite[] = [
          absent(slice(t, 'product#P1', 1, 'CORE', 'x')), // conflict: exists
          absent(slice(t, 'product#P1', 1, 'PRICE', 'p1')), // ok
          { record: slice(t, 'product#P2', 1, 'CORE', 'h2'), expected: { hash: 'h1' } }, // ok
          { record: slice(t, 'product#P3', 1, 'CORE', 'h2'), expected: { hash: 'h1' } }, // conflict: missing
          ...Array.from({ length: 30 }, (_, i) => absent(slice(t, `product#Q${i}`, 1, 'CORE', `q${i}`))), // ok
        ];
        const conflicts = await stores().slices.put(writes);
        expect(conflicts).toEqual([writes[0], writes[3]]);
        expect((await stores().slices.effective(t, 'product#P1', 1, ['PRICE'])).get('PRICE')?.hash).toBe('p1');
        expect((await stores().slices.effective(t, 'product#P2', 1, ['CORE'])).get('CORE')?.hash).toBe('h2');
        expect((await stores().slices.effective(t, 'product#P3', 1, ['CORE'])).size).toBe(0);
        expect((await stores().slices.effective(t, 'product#Q29', 1, ['CORE'])).get('CORE')?.hash).toBe('q29');
        expect(await stores().slices.put([])).toEqual([]);
      });

      it('gets slices at exact keys, aligned with the keys asked for', async () => {
        const t = freshTenant();
        const core1 = slice(t, 'product#P1', 1, 'CORE', 'c1');
        const core3 = slice(t, 'product#P1', 3, 'CORE', 'c3');
        const price2 = slice(t, 'product#P2', 2, 'PRICE', 'p2');
        await stores().slices.put([core1, core3, price2].map(absent));
        const keys = [
          { entityKey: 'product#P1', version: 3, sliceType: 'CORE' },
          { entityKey: 'product#P1', version: 2, sliceType: 'CORE' },
          { entityKey: 'product#P2', version: 2, sliceType: 'PRICE' },
          { entityKey: 'product#P1', version: 1, sliceType: 'CORE' },
          { entityKey: 'product#P1', version: 1, sliceType: 'CORE' },
        ];
        await expect(stores().slices.get(t, keys)).resolves.toEqual([core3, undefined, price2, core1, core1]);
        await expect(stores().slices.get(t, [])).resolves.toEqual([]);
        await expect(stores().slices.get(freshTenant(), keys.slice(0, 1))).resolves.toEqual([undefined]);
        // More keys than one batched read takes (DynamoDB: 100).
        const many = Array.from({ length: 120 }, (_, i) => slice(t, `product#M${i}`, 1, 'CORE', `m${i}`));
        await stores().slices.put(many.map(absent));
        const keysOfMany = many.map((r) => ({ entityKey: r.entityKey, version: 1, sliceType: 'CORE' }));
        await expect(stores().slices.get(t, [...keysOfMany].reverse())).resolves.toEqual([...many].reverse());
      });

      it('of many racing writes to one key expecting it absent exactly one lands; a hash expectation lets exactly one overwrite', async () => {
        const t = freshTenant();
        const racers = Array.from({ length: 10 }, (_, i) => absent(slice(t, 'product#RACE', 1, 'CORE', `h${i}`)));
        const conflicts = await Promise.all(racers.map((write) => stores().slices.put([write])));
        expect(conflicts.filter((c) => c.length === 0)).toHaveLength(1);
        const winner = (await stores().slices.get(t, [{ entityKey: 'product#RACE', version: 1, sliceType: 'CORE' }]))[0] as SliceRecord;
        expect(racers.map((w) => w.record)).toContainEqual(winner);
        const overwrites = Array.from({ length: 10 }, (_, i): SliceWrite => ({
          record: slice(t, 'product#RACE', 1, 'CORE', `o${i}`),
          expected: { hash: winner.hash },
        }));
        const second = await Promise.all(overwrites.map((write) => stores().slices.put([write])));
        expect(second.filter((c) => c.length === 0)).toHaveLength(1);
      });

      it('keeps tenants apart', async () => {
        const a = freshTenant();
        const b = freshTenant();
        await stores().slices.put([absent(slice(a, 'product#P1', 1, 'CORE', 'ha'))]);
        expect(await stores().slices.put([absent(slice(b, 'product#P1', 1, 'CORE', 'hb'))])).toEqual([]);
        expect((await stores().slices.effective(a, 'product#P1', 1, ['CORE'])).get('CORE')?.hash).toBe('ha');
        expect((await stores().slices.effective(b, 'product#P1', 1, ['CORE'])).get('CORE')?.hash).toBe('hb');
      });
    });

    describe('slicing over these stores, with racing writers', () => {
      const registry = sampleRegistry();
      const doc = (sku: string, brandId: string, price: number): JsonObject => ({
        sku,
        name: `Product ${sku}`,
        brand_id: brandId,
        category_ids: ['C1'],
        price,
        currency: 'KRW',
        status: 'ACTIVE',
      });
      const ingest = (tenantId: string, entityType: string, entityId: string, version: number, data: JsonObject) =>
        insertRawdata(registry, stores().raw, { tenantId, entityType, entityId, version, data });
      const view = async (tenantId: string, sku: string) => (await queryView(registry, stores(), { tenantId, viewId: 'product-detail', entityId: sku })).data;

      it('racing cutovers of versions 2..6 end with version 6 active, whatever order they commit in', async () => {
        const t = freshTenant();
        const engine = new SlicingEngine(registry, stores());
        await ingest(t, 'brand', 'B1', 1, { brand_id: 'B1', name: 'Acme' });
        await engine.slice({ tenantId: t, entityKey: 'brand#B1', version: 1, mode: 'FULL' });
        for (let v = 1; v <= 6; v++) await ingest(t, 'product', 'P1', v, doc('P1', 'B1', v * 100));
        await engine.slice({ tenantId: t, entityKey: 'product#P1', version: 1, mode: 'FULL' });
        const results = await Promise.all([6, 3, 5, 2, 4].map((version) => engine.slice({ tenantId: t, entityKey: 'product#P1', version, mode: 'FULL' })));
        for (const result of results) expect(result.activeVersion === null || result.activeVersion <= 6).toBe(true);
        const head = await stores().heads.get(t, 'product#P1');
        expect({ sliced: head?.sliced?.version, active: head?.active?.version }).toEqual({ sliced: 6, active: 6 });
        expect(await view(t, 'P1')).toMatchObject({ price: 600, brand_name: 'Acme' });
        // A late slicing of an older version changes nothing.
        const late = await engine.slice({ tenantId: t, entityKey: 'product#P1', version: 4, mode: 'INCREMENTAL' });
        expect(late).toMatchObject({ written: [], cutover: false, cutoverSkipped: { reason: 'NEWER_VERSION_SLICED' }, slicedVersion: 6, activeVersion: 6 });
      });

      it('duplicate slicings racing for one version commit once and agree', async () => {
        const t = freshTenant();
        const engine = new SlicingEngine(registry, stores());
        await ingest(t, 'product', 'P1', 1, doc('P1', 'B1', 100));
        const twins = await Promise.all([1, 2, 3].map(() => engine.slice({ tenantId: t, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' })));
        // Every slice type was written by exactly one of them; the others found it done.
        const written = twins.flatMap((r) => [...r.written, ...r.tombstoned]).sort();
        expect(written).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
        const head = await stores().heads.get(t, 'product#P1');
        expect(head?.sliced?.version).toBe(1);
        expect(Object.keys(head?.sliced?.slices ?? {}).sort()).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
        expect(await stores().index.lookup(t, 'IDX#brand#B1#product', { limit: 10 })).toEqual({ entityKeys: ['product#P1'] });
      });

      it('a brand rename racing a product slicing leaves the active view with the new name', async () => {
        const t = freshTenant();
        const engine = new SlicingEngine(registry, stores());
        await ingest(t, 'brand', 'B1', 1, { brand_id: 'B1', name: 'Acme' });
        await engine.slice({ tenantId: t, entityKey: 'brand#B1', version: 1, mode: 'FULL' });
        await ingest(t, 'product', 'P1', 1, doc('P1', 'B1', 100));
        await engine.slice({ tenantId: t, entityKey: 'product#P1', version: 1, mode: 'FULL' });
        await ingest(t, 'product', 'P1', 2, doc('P1', 'B1', 200));
        await ingest(t, 'brand', 'B1', 2, { brand_id: 'B1', name: 'Acme Corp' });
        await Promise.all([
          engine.slice({ tenantId: t, entityKey: 'brand#B1', version: 2, mode: 'INCREMENTAL' }),
          engine.slice({ tenantId: t, entityKey: 'product#P1', version: 2, mode: 'INCREMENTAL' }),
        ]);
        expect(await view(t, 'P1')).toMatchObject({ price: 200, brand_name: 'Acme Corp' });
      });
    });

    describe('index store', () => {
      const all = async (tenant: string, indexKey: string, limit: number): Promise<{ pages: string[][]; nexts: (string | undefined)[] }> => {
        const pages: string[][] = [];
        const nexts: (string | undefined)[] = [];
        let after: string | undefined;
        do {
          const page = await stores().index.lookup(tenant, indexKey, after === undefined ? { limit } : { limit, after });
          pages.push([...page.entityKeys]);
          nexts.push(page.next);
          after = page.next;
        } while (after !== undefined && pages.length < 100);
        return { pages, nexts };
      };

      it('adds idempotently and looks up entity keys in ascending order', async () => {
        const t = freshTenant();
        const idx = 'IDX#brand#B1#product';
        await stores().index.add(t, [entry(idx, 'product#C'), entry(idx, 'product#A'), entry(idx, 'product#B'), entry(idx, 'product#A')]);
        await stores().index.add(t, [entry(idx, 'product#B')]);
        await stores().index.add(t, []);
        await expect(stores().index.lookup(t, idx, { limit: 10 })).resolves.toEqual({ entityKeys: ['product#A', 'product#B', 'product#C'] });
        await expect(stores().index.lookup(t, 'IDX#brand#B2#product', { limit: 10 })).resolves.toEqual({ entityKeys: [] });
      });

      it('removes idempotently; removing missing entries is a no-op', async () => {
        const t = freshTenant();
        const idx = 'IDX#brand#B1#product';
        await stores().index.add(t, [entry(idx, 'product#A'), entry(idx, 'product#B')]);
        await stores().index.remove(t, [entry(idx, 'product#A'), entry(idx, 'product#A'), entry(idx, 'product#Z'), entry('IDX#none', 'product#A')]);
        await stores().index.remove(t, [entry(idx, 'product#A')]);
        await stores().index.remove(freshTenant(), [entry(idx, 'product#B')]);
        await stores().index.remove(t, []);
        await expect(stores().index.lookup(t, idx, { limit: 10 })).resolves.toEqual({ entityKeys: ['product#B'] });
        await stores().index.remove(t, [entry(idx, 'product#B')]);
        await expect(stores().index.lookup(t, idx, { limit: 10 })).resolves.toEqual({ entityKeys: [] });
      });

      it('pages with limit / after / next over many pages; next only when more remain', async () => {
        const t = freshTenant();
        const idx = 'IDX#brand#B1#product';
        const keys = Array.from({ length: 25 }, (_, i) => `product#P${String(i).padStart(2, '0')}`);
        await stores().index.add(
          t,
          [...keys].reverse().map((k) => entry(idx, k)),
        );
        const sevens = await all(t, idx, 7);
        expect(sevens.pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
        expect(sevens.pages.flat()).toEqual(keys);
        expect(sevens.nexts).toEqual([keys[6], keys[13], keys[20], undefined]);
        const fives = await all(t, idx, 5);
        expect(fives.pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 5]);
        expect(fives.nexts[4]).toBeUndefined();
        await expect(stores().index.lookup(t, idx, { limit: 25 })).resolves.toEqual({ entityKeys: keys });
        await expect(stores().index.lookup(t, idx, { limit: 24 })).resolves.toEqual({ entityKeys: keys.slice(0, 24), next: keys[23] });
        await expect(stores().index.lookup(t, idx, { limit: 100 })).resolves.toEqual({ entityKeys: keys });
        // `after` need not be an entry: the page starts at the first key greater than it.
        await expect(stores().index.lookup(t, idx, { limit: 2, after: 'product#P10x' })).resolves.toEqual({
          entityKeys: ['product#P11', 'product#P12'],
          next: 'product#P12',
        });
        await expect(stores().index.lookup(t, idx, { limit: 2, after: 'product#P23' })).resolves.toEqual({ entityKeys: ['product#P24'] });
        await expect(stores().index.lookup(t, idx, { limit: 2, after: 'product#P24' })).resolves.toEqual({ entityKeys: [] });
        await expect(stores().index.lookup(t, idx, { limit: 3, after: '' })).resolves.toEqual({ entityKeys: keys.slice(0, 3), next: keys[2] });
      });

      it('keeps index keys and tenants apart', async () => {
        const a = freshTenant();
        const b = freshTenant();
        await stores().index.add(a, [entry('IDX#brand#B1#product', 'product#A'), entry('IDX#brand#B10#product', 'product#X')]);
        await stores().index.add(b, [entry('IDX#brand#B1#product', 'product#B')]);
        await expect(stores().index.lookup(a, 'IDX#brand#B1#product', { limit: 10 })).resolves.toEqual({ entityKeys: ['product#A'] });
        await expect(stores().index.lookup(b, 'IDX#brand#B1#product', { limit: 10 })).resolves.toEqual({ entityKeys: ['product#B'] });
        await expect(stores().index.lookup(b, 'IDX#brand#B10#product', { limit: 10 })).resolves.toEqual({ entityKeys: [] });
      });
    });
  });
}

function raw(tenantId: string, entityKey: string, version: number, data: JsonObject | null): RawRecord {
  return data === null
    ? { tenantId, entityKey, version, hash: 'tombstone', deleted: true, data: null }
    : { tenantId, entityKey, version, hash: `h:${JSON.stringify(data)}`, deleted: false, data };
}

/** The contracts `changeSet()` records are computed under. */
const CS = { schemaRef: { id: 'product', version: '1.0.0' }, ruleSetRef: { id: 'product', version: '1.2.0' } };

function changeSet(tenantId: string, entityKey: string, fromVersion: number, toVersion: number, hash: string): ChangeSetRecord {
  return {
    tenantId,
    entityKey,
    fromVersion,
    toVersion,
    schemaRef: { id: 'product', version: '1.0.0' },
    ruleSetRef: { id: 'product', version: '1.2.0' },
    changes: [
      { op: 'replace', path: '/name', before: 'old', after: '새 이름 🎉' },
      { op: 'add', path: '/tags', after: [] },
      { op: 'remove', path: '/nested/value', before: { price: 0.1, big: 1e21 } },
    ],
    hash,
  };
}

function slice(tenantId: string, entityKey: string, version: number, sliceType: string, hash: string): SliceRecord {
  return {
    tenantId,
    entityKey,
    version,
    sliceType,
    hash,
    tombstone: false,
    data: { hash, version },
    inputVector: { [entityKey]: version },
    ruleSetRef: { id: 'product', version: '1.0.0' },
  };
}

const absent = (record: SliceRecord): SliceWrite => ({ record, expected: { absent: true } });

const entry = (indexKey: string, entityKey: string): IndexEntry => ({ indexKey, entityKey });
