import { InvalidDeployRequestError, type SinkPlugin, SinkNotConfiguredError, UnknownContractError } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { SinkDirectory } from './sink-directory';
import { type EnvLookup } from './sink-urls';

/** A plugin of a type; these tests never ship, they only ask which plugin serves a sink. */
const plugin = (type: string): SinkPlugin => ({ type, apply: () => Promise.resolve([]) });
const webhook = plugin('webhook');
const opensearch = plugin('opensearch');
const envOf =
  (vars: Record<string, string>): EnvLookup =>
  (name) =>
    vars[name];
const HOOK = 'http://personalize.internal:8080/ivm';

describe('SinkDirectory', () => {
  const registry = sampleRegistry();

  it('by default (no plugins, empty environment) configures nothing, naming the missing plugin', () => {
    const sinks = new SinkDirectory(registry);
    expect(sinks.ids()).toEqual(['opensearch-products', 'personalize']);
    expect(sinks.availability('personalize')).toEqual({ configured: false, reason: 'no webhook plugin in this build' });
    expect(sinks.availability('opensearch-products')).toEqual({ configured: false, reason: 'no opensearch plugin in this build' });
  });

  it('a webhook sink is configured iff its URL variable holds an http(s) URL', () => {
    const availability = (env: Record<string, string>) => new SinkDirectory(registry, { plugins: [webhook], env: envOf(env) }).availability('personalize');
    const unset = { configured: false, reason: 'PERSONALIZE_WEBHOOK_URL is not set', missing: 'PERSONALIZE_WEBHOOK_URL' };
    expect(availability({})).toEqual(unset);
    expect(availability({ PERSONALIZE_WEBHOOK_URL: '  ' })).toEqual(unset);
    const invalid = { configured: false, reason: 'PERSONALIZE_WEBHOOK_URL is not an http(s) URL', missing: 'PERSONALIZE_WEBHOOK_URL' };
    expect(availability({ PERSONALIZE_WEBHOOK_URL: 'personalize:8080' })).toEqual(invalid);
    expect(availability({ PERSONALIZE_WEBHOOK_URL: 'ftp://personalize/ivm' })).toEqual(invalid);
    expect(availability({ PERSONALIZE_WEBHOOK_URL: HOOK })).toEqual({ configured: true });
    expect(availability({ PERSONALIZE_WEBHOOK_URL: 'https://user:secret@personalize.example/ivm' })).toEqual({ configured: true });
  });

  it('never shows a variable’s value in a reason (a URL may carry credentials)', () => {
    const sinks = new SinkDirectory(registry, { plugins: [webhook], env: envOf({ PERSONALIZE_WEBHOOK_URL: 'secret-token@host' }) });
    expect(JSON.stringify(sinks.availability('personalize'))).not.toContain('secret');
  });

  it('reads the environment only through the lookup it is given', () => {
    process.env['PERSONALIZE_WEBHOOK_URL'] = HOOK;
    try {
      expect(new SinkDirectory(registry, { plugins: [webhook] }).availability('personalize')).toMatchObject({ configured: false });
    } finally {
      delete process.env['PERSONALIZE_WEBHOOK_URL'];
    }
  });

  it('an opensearch sink needs OPENSEARCH_URL and an opensearch plugin', () => {
    const withUrl = envOf({ OPENSEARCH_URL: 'http://search:9200' });
    expect(new SinkDirectory(registry, { plugins: [webhook], env: withUrl }).availability('opensearch-products')).toEqual({
      configured: false,
      reason: 'no opensearch plugin in this build',
    });
    expect(new SinkDirectory(registry, { plugins: [opensearch], env: envOf({}) }).availability('opensearch-products')).toEqual({
      configured: false,
      reason: 'OPENSEARCH_URL is not set',
      missing: 'OPENSEARCH_URL',
    });
    expect(new SinkDirectory(registry, { plugins: [opensearch], env: withUrl }).availability('opensearch-products')).toEqual({ configured: true });
  });

  it('works the environment out once, at construction', () => {
    const vars: Record<string, string> = {};
    const sinks = new SinkDirectory(registry, { plugins: [webhook], env: envOf(vars) });
    vars['PERSONALIZE_WEBHOOK_URL'] = HOOK;
    expect(sinks.availability('personalize')).toMatchObject({ configured: false });
  });

  it('plugin() and resolve() answer the plugin (and contract) of a configured sink, and refuses an unconfigured or unknown one', () => {
    const sinks = new SinkDirectory(registry, { plugins: [webhook, opensearch], env: envOf({ PERSONALIZE_WEBHOOK_URL: HOOK }) });
    expect(sinks.plugin('personalize')).toBe(webhook);
    expect(sinks.resolve('personalize')).toEqual({ contract: registry.sink('personalize'), plugin: webhook });
    expect(() => sinks.resolve('opensearch-products')).toThrow(SinkNotConfiguredError);
    expect(() => sinks.plugin('opensearch-products')).toThrow(new SinkNotConfiguredError('opensearch-products', 'OPENSEARCH_URL is not set'));
    expect(() => sinks.plugin('elastic')).toThrow(UnknownContractError);
    expect(() => sinks.availability('elastic')).toThrow(UnknownContractError);
  });

  it('require() passes configured sinks and refuses the first unconfigured one with 422 SINK_NOT_CONFIGURED at its index', () => {
    const sinks = new SinkDirectory(registry, { plugins: [webhook], env: envOf({ PERSONALIZE_WEBHOOK_URL: HOOK }) });
    expect(() => sinks.require([])).not.toThrow();
    expect(() => sinks.require(['personalize'])).not.toThrow();
    const error = catching(() => sinks.require(['personalize', 'opensearch-products'], '/ship/sinks'));
    expect(error).toBeInstanceOf(SinkNotConfiguredError);
    expect(error).toMatchObject({
      code: 'SINK_NOT_CONFIGURED',
      sinkId: 'opensearch-products',
      message: 'Sink "opensearch-products" is not configured: no opensearch plugin in this build',
      details: [{ path: '/ship/sinks/1', message: 'no opensearch plugin in this build' }],
    });
    expect(catching(() => sinks.require(['opensearch-products'], '/sinks'))).toMatchObject({ details: [{ path: '/sinks/0' }] });
  });

  it('require() refuses unknown sinks first (400), naming each', () => {
    const sinks = new SinkDirectory(registry);
    const error = catching(() => sinks.require(['personalize', 'elastic', 'kafka']));
    expect(error).toBeInstanceOf(InvalidDeployRequestError);
    expect(error).toMatchObject({
      code: 'INVALID_DEPLOY_REQUEST',
      details: [
        { path: '/ship/sinks/1', message: 'no Sink contract "elastic" is loaded' },
        { path: '/ship/sinks/2', message: 'no Sink contract "kafka" is loaded' },
      ],
    });
  });

  it('refuses two plugins of one type', () => {
    expect(() => new SinkDirectory(registry, { plugins: [webhook, plugin('webhook')] })).toThrow('two plugins serve sink type "webhook"');
  });
});

function catching(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
