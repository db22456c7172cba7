import { SinkNotConfiguredError, type WebhookSinkContract } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { requireSinkUrl, sinkUrl } from './sink-urls';

describe('sink URLs', () => {
  const personalize = sampleRegistry().sink('personalize') as WebhookSinkContract;
  const literal: WebhookSinkContract = { ...personalize, target: { url: 'https://hooks.example/ivm' } };

  it('a webhook URL comes from its variable, or is the literal of the contract', () => {
    expect(sinkUrl(personalize, (name) => (name === 'PERSONALIZE_WEBHOOK_URL' ? 'http://h:1/x' : undefined))).toEqual({ url: 'http://h:1/x' });
    expect(sinkUrl(literal, () => undefined)).toEqual({ url: 'https://hooks.example/ivm' });
  });

  it('an OpenSearch sink’s URL is OPENSEARCH_URL', () => {
    const opensearch = sampleRegistry().sink('opensearch-products');
    expect(sinkUrl(opensearch, (name) => (name === 'OPENSEARCH_URL' ? 'https://search:9200' : undefined))).toEqual({ url: 'https://search:9200' });
  });

  it('requireSinkUrl throws SinkNotConfiguredError when the variable is unset', () => {
    expect(() => requireSinkUrl(personalize, () => undefined)).toThrow(new SinkNotConfiguredError('personalize', 'PERSONALIZE_WEBHOOK_URL is not set'));
    expect(requireSinkUrl(literal, () => undefined)).toBe('https://hooks.example/ivm');
  });
});
