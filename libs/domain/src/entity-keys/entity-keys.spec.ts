import { InvalidKeyError, InvalidVersionError } from '../errors';
import { assertTenantId, assertVersion, entityKeyOf, parseEntityKey } from './entity-keys';

describe('entityKeyOf', () => {
  it('joins type and id with #', () => {
    expect(entityKeyOf('product', 'ABC-123')).toBe('product#ABC-123');
    expect(entityKeyOf('brand', 'B77')).toBe('brand#B77');
    expect(entityKeyOf('product', '상품:1.2_x')).toBe('product#상품:1.2_x');
  });

  it.each(['Product', '1product', 'pro duct', 'pro#duct', ''])('refuses the entity type %j', (entityType) => {
    expect(() => entityKeyOf(entityType, 'P1')).toThrow(InvalidKeyError);
    try {
      entityKeyOf(entityType, 'P1');
    } catch (error) {
      expect((error as InvalidKeyError).details).toEqual([{ path: 'entityType', message: 'must match ^[a-z][a-z0-9_-]*$' }]);
    }
  });

  it.each(['', 'a#b', 'a/b', 'a b', 'a\nb', 'a\u007fb', 'x'.repeat(257)])('refuses the entity id %j', (entityId) => {
    expect(() => entityKeyOf('product', entityId)).toThrow(InvalidKeyError);
    try {
      entityKeyOf('product', entityId);
    } catch (error) {
      expect((error as InvalidKeyError).code).toBe('INVALID_KEY');
      expect((error as InvalidKeyError).details[0]?.path).toBe('entityId');
    }
  });

  it('accepts an id of exactly 256 characters', () => {
    expect(entityKeyOf('product', 'x'.repeat(256))).toHaveLength('product#'.length + 256);
  });
});

describe('parseEntityKey', () => {
  it('splits at the first #', () => {
    expect(parseEntityKey('product#ABC-123')).toEqual({ entityType: 'product', entityId: 'ABC-123' });
  });

  it.each(['product', '#P1', 'product#', 'product#P#1', 'Product#P1', 'product#P 1'])('refuses %j', (key) => {
    expect(() => parseEntityKey(key)).toThrow(InvalidKeyError);
  });
});

describe('assertTenantId', () => {
  it.each(['acme', 'a', 'tenant_1', 'a-b', '0abc', 'a'.repeat(63)])('accepts %j', (tenantId) => {
    expect(() => assertTenantId(tenantId)).not.toThrow();
  });

  it.each(['', 'Acme', '_acme', '-acme', 'a b', 'a#b', 'a/b', 'a'.repeat(64)])('refuses %j', (tenantId) => {
    expect(() => assertTenantId(tenantId)).toThrow(InvalidKeyError);
  });
});

describe('assertVersion', () => {
  it.each([1, 2, 1000, Number.MAX_SAFE_INTEGER])('accepts %p', (version) => {
    expect(() => assertVersion(version)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, '1', null, undefined])('refuses %p', (version) => {
    expect(() => assertVersion(version)).toThrow(InvalidVersionError);
  });

  it('names the bad value', () => {
    expect(() => assertVersion(0)).toThrow(`A version is an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got 0`);
  });
});
