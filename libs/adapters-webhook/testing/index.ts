// Test-only helpers (`@ivm/adapters-webhook/testing`): never imported by production code.
export {
  type HeldDocument,
  type ReceivedDelivery,
  startWebhookReceiver,
  type WebhookFault,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './receiver';
