import { type ParsedContractFile } from '@ivm/domain';
import { parseAllDocuments } from 'yaml';

/** One contract file's text, named by its path: the path names the file in every problem. */
export interface ContractSource {
  readonly path: string;
  readonly text: string;
}

/**
 * A contract file's documents, for `ContractRegistry.fromDocuments`. `.json` is one JSON document;
 * anything else is YAML, one or more documents (empty ones are skipped), with unique keys. Text
 * that does not parse becomes the file's `parseErrors` (YAML's with line and column), never a throw.
 */
export function parseContractSource(source: ContractSource): ParsedContractFile {
  const { path, text } = source;
  if (path.endsWith('.json')) {
    try {
      return { path, documents: [JSON.parse(text) as unknown] };
    } catch (error) {
      return { path, documents: [], parseErrors: [`is not valid JSON: ${(error as Error).message}`] };
    }
  }
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const parseErrors = list.flatMap((doc) =>
    doc.errors.map((error) => {
      const line = error.linePos?.[0];
      return `is not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ''}: ${error.message.split('\n')[0]}`;
    }),
  );
  if (parseErrors.length > 0) return { path, documents: [], parseErrors };
  try {
    return { path, documents: list.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null && v !== undefined) };
  } catch (error) {
    // An alias that names no anchor, or too many aliases: well-formed YAML that has no value.
    return { path, documents: [], parseErrors: [`is not valid YAML: ${(error as Error).message}`] };
  }
}
