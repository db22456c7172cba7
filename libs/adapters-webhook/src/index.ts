export { createWebhookSink, WEBHOOK_DEFAULTS, type WebhookSinkConfig } from './webhook-sink';
export { webhookIdempotencyKey, webhookPayload, type WebhookPayload } from './payload';
