import { type SinkContract, SinkNotConfiguredError } from '@ivm/domain';

/** Reads one environment variable; the app passes it in (`(name) => process.env[name]`), so the application never reads the environment itself. */
export type EnvLookup = (name: string) => string | undefined;

/** An environment that sets nothing: every sink named by a variable is unconfigured. */
export const EMPTY_ENV: EnvLookup = () => undefined;

/** Where a sink's endpoint is, or why it is not known: `missing` names the variable to set (or fix). */
export type UrlLookup = { readonly url: string } | { readonly reason: string; readonly missing?: string };

/** The OpenSearch cluster every `opensearch` sink ships to (API.md "Sinks"). */
export const OPENSEARCH_URL_VARIABLE = 'OPENSEARCH_URL';

/**
 * The http(s) URL held by an environment variable. The value itself never appears in a reason:
 * reasons are shown to every tenant by `GET /v1/contracts`, and a URL may carry credentials.
 */
export function urlFromEnv(name: string, env: EnvLookup): UrlLookup {
  const value = env(name)?.trim();
  if (value === undefined || value === '') return { reason: `${name} is not set`, missing: name };
  if (!isHttpUrl(value)) return { reason: `${name} is not an http(s) URL`, missing: name };
  return { url: value };
}

/** Where a sink delivers: a webhook's literal or variable URL, OpenSearch's `OPENSEARCH_URL`. */
export function sinkUrl(sink: SinkContract, env: EnvLookup): UrlLookup {
  if (sink.type === 'opensearch') return urlFromEnv(OPENSEARCH_URL_VARIABLE, env);
  const { url } = sink.target;
  // A literal URL was checked when the contracts loaded.
  return typeof url === 'string' ? { url } : urlFromEnv(url.env, env);
}

/**
 * A webhook sink's URL, for a webhook plugin's `resolveUrl`.
 * @throws SinkNotConfiguredError when its variable is unset or not an http(s) URL
 */
export function requireSinkUrl(sink: SinkContract, env: EnvLookup): string {
  const found = sinkUrl(sink, env);
  if ('reason' in found) throw new SinkNotConfiguredError(sink.id, found.reason);
  return found.url;
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}
