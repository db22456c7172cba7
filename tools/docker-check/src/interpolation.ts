/**
 * Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alternative}`, `$$` for a dollar), evaluated the way a
 * user gets it who exported nothing: the checks see what `docker compose up` would run with.
 */
export interface Reference {
  readonly name: string;
  /** `:?` / `?`: compose refuses to start when it is unset. */
  readonly required: boolean;
  /** The operator and its word, e.g. `:-` and `3000`; undefined for a bare reference. */
  readonly operator: string | undefined;
  readonly word: string | undefined;
}

export interface Interpolated {
  /** The value with every reference replaced as if no variable were set (required ones stay as written). */
  readonly value: string;
  readonly references: readonly Reference[];
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function interpolate(text: string): Interpolated {
  const references: Reference[] = [];
  const value = text.replace(
    REFERENCE,
    (match, braced: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      const required = operator === '?' || operator === ':?';
      references.push({ name, required, operator, word });
      if (required) return match;
      if (operator === '-' || operator === ':-') return word ?? '';
      return '';
    },
  );
  return { value, references };
}
