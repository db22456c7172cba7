import { undeclaredFields } from './undeclared-fields';

const report = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { type: 'integer' },
    data: { type: ['object', 'null'], additionalProperties: true },
    any: {},
    list: { type: 'array', items: { type: 'object', properties: { op: { type: 'string' } } } },
    byType: { type: 'object', additionalProperties: { type: 'object', properties: { hash: { type: 'string' } } } },
  },
};

describe('undeclaredFields', () => {
  it('finds nothing when every field is declared, whatever free-form values hold', () => {
    expect(
      undeclaredFields(report, { version: 1, data: { deep: { x: [1] } }, any: { y: 2 }, list: [{ op: 'add' }], byType: { A: { hash: 'h' } }, gone: undefined }),
    ).toEqual([]);
    expect(undeclaredFields(report, { version: 1, data: null })).toEqual([]);
  });

  it('names every undeclared field by its JSON Pointer, at any depth', () => {
    expect(
      undeclaredFields(report, { version: 1, extra: true, 'a/b': 1, list: [{ op: 'add' }, { op: 'x', before: 1 }], byType: { A: { hash: 'h', leak: 'x' } } }),
    ).toEqual(['/extra', '/a~1b', '/list/1/before', '/byType/A/leak']);
  });

  it('reads an array answer item by item', () => {
    expect(undeclaredFields({ type: 'array', items: report }, [{ version: 1 }, { version: 2, more: 1 }])).toEqual(['/1/more']);
  });
});
