import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The domain's modules form a DAG: no file imports itself back through others, and neither does a
 * folder (contracts/, raw/, json-schema/, …), each top-level file (errors.ts, index.ts) counting as
 * one. Spec files are left out: nothing imports them. Type-only imports count, as they do for a reader.
 */
const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The files of `src` a file imports or re-exports (relative specifiers only). */
function relativeImports(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (target === undefined) throw new Error(`${relative(SRC, file)}: cannot resolve ${specifier}`);
      return target;
    })
    .filter((target) => !relative(SRC, target).startsWith('..'));
}

type Graph = ReadonlyMap<string, ReadonlySet<string>>;

/** Strongly connected components of more than one node, or with a self edge: every import cycle. */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node) === true) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort();
}

function graphOf(edges: ReadonlyArray<readonly [string, string]>): Graph {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
    if (!graph.has(to)) graph.set(to, new Set());
  }
  return graph;
}

const fileEdges = sourceFiles(SRC).flatMap((file) => relativeImports(file).map((to) => [relative(SRC, file), relative(SRC, to)] as const));
const folderOf = (file: string): string => file.split(sep)[0] as string;

describe('architecture: no import cycles in libs/domain/src', () => {
  it('finds cycles in a graph (the check can fail)', () => {
    expect(
      cycles(
        graphOf([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
          ['c', 'd'],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      cycles(
        graphOf([
          ['a', 'a'],
          ['b', 'c'],
        ]),
      ),
    ).toEqual([['a']]);
    expect(
      cycles(
        graphOf([
          ['a', 'b'],
          ['a', 'c'],
          ['b', 'c'],
        ]),
      ),
    ).toEqual([]);
  });

  it('reads the real import graph', () => {
    expect(fileEdges).toContainEqual([join('raw', 'validate-document.ts'), join('json-schema', 'index.ts')]);
    expect(fileEdges.length).toBeGreaterThan(50);
  });

  it('has no cycle between files', () => {
    expect(cycles(graphOf(fileEdges))).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const folderEdges = fileEdges.map(([from, to]) => [folderOf(from), folderOf(to)] as const).filter(([from, to]) => from !== to);
    expect(cycles(graphOf(folderEdges))).toEqual([]);
  });
});
