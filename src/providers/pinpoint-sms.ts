import http from 'node:http';
import https from 'node:https';
import { PinpointClient, SendMessagesCommand, type MessageType } from '@aws-sdk/client-pinpoint';
import { oneOf, text, url } from '../config-fields';
import type { Logger } from '../log/logger';
import { withTimeout } from '../timeout';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, deliveryError, ProviderSetupError, type Provider } from './provider';

/**
 * `[providers.pinpoint_sms]`: SMS through AWS Pinpoint `SendMessages`. The real
 * SDK signs (SigV4) and serialises the request; `endpoint` points it elsewhere
 * (LocalStack, tests). A 200 whose per-address `DeliveryStatus` is not
 * `SUCCESSFUL` is a failed delivery.
 */
export const pinpointSmsProvider = defineProviderKind({
  shape: {
    application_id: text(''),
    access_key: text(''),
    secret_key: text(''),
    region: text(''),
    sms_sender_id: text(''),
    sms_entity_id: text(''),
    sms_template_id: text(''),
    sms_message_type: oneOf('TRANSACTIONAL', ['TRANSACTIONAL', 'PROMOTIONAL'] as const),
    default_phone_code: phoneCode(),
    endpoint: url('', { optional: true }),
  },
  requiredWhenEnabled: ['application_id', 'region'],
  create(config, { id, logger }): Provider {
    // Both keys, or neither (then the SDK's default chain: environment, profile, instance role).
    if (config.access_key !== '' && config.secret_key === '') throw new ProviderSetupError('secret_key', 'required when access_key is set');
    if (config.secret_key !== '' && config.access_key === '') throw new ProviderSetupError('access_key', 'required when secret_key is set');
    // Under Node < 22 (Node 20, still tested) the SDK warns on every start that its releases after January 2027
    // need Node 22: about its future releases, not this pinned one. The Node 24 we ship does not trigger it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const client = new PinpointClient({
      region: config.region,
      endpoint: config.endpoint || undefined,
      credentials: config.access_key ? { accessKeyId: config.access_key, secretAccessKey: config.secret_key } : undefined,
      // No SDK retries: a retried SendMessages can text the same code twice, and the
      // timeout below bounds the whole delivery; the user can ask for a resend.
      maxAttempts: 1,
      requestHandler: {
        httpAgent: new http.Agent({ keepAlive: true, maxSockets: config.max_conns }),
        httpsAgent: new https.Agent({ keepAlive: true, maxSockets: config.max_conns }),
        connectionTimeout: config.timeout,
        requestTimeout: config.timeout,
        // Without this the SDK only prints a warning when requestTimeout passes.
        throwOnRequestTimeout: true,
        // The handler's own warnings (e.g. every pooled socket busy) go to our log, not to the console.
        logger: sdkLogger(logger),
      },
    });
    const sms = {
      MessageType: config.sms_message_type as MessageType,
      SenderId: config.sms_sender_id || undefined,
      EntityId: config.sms_entity_id || undefined,
      TemplateId: config.sms_template_id || undefined,
    };
    return {
      id,
      ...phoneProviderBase('SMS', config),
      async send(message) {
        const command = new SendMessagesCommand({
          ApplicationId: config.application_id,
          MessageRequest: {
            Addresses: { [message.to]: { ChannelType: 'SMS' } },
            MessageConfiguration: { SMSMessage: { Body: message.body, ...sms } },
            Context: { namespace: message.otp.namespace },
          },
        });
        const what = `pinpoint (${id})`;
        let output;
        try {
          output = await withTimeout(client.send(command, { abortSignal: AbortSignal.timeout(config.timeout) }), config.timeout, 'SendMessages');
        } catch (err) {
          throw deliveryError(what, describeSdkError(err));
        }
        const result = output.MessageResponse?.Result?.[message.to];
        if (!result) throw new Error(`${what}: the answer has no result for the address`);
        if (result.DeliveryStatus !== 'SUCCESSFUL') {
          const reason = `delivery ${result.DeliveryStatus ?? 'without a status'} (status ${result.StatusCode ?? '?'}): ${result.StatusMessage ?? ''}`;
          throw deliveryError(what, reason);
        }
      },
      async close() {
        client.destroy();
      },
    };
  },
});

/** The SDK's logger interface over ours: warnings and errors kept (first line), chatter dropped. */
function sdkLogger(logger: Logger): { debug(): void; info(): void; warn(...content: unknown[]): void; error(...content: unknown[]): void } {
  const firstLine = (content: unknown[]): string => String(content[0] ?? '').split('\n')[0] ?? '';
  return {
    debug() {},
    info() {},
    warn: (...content) => logger.warn(`aws sdk: ${firstLine(content)}`),
    error: (...content) => logger.error(`aws sdk: ${firstLine(content)}`),
  };
}

/** The SDK error's name, HTTP status and message, for the log. */
function describeSdkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'no answer in time';
  return `${err.name}${status ? ` (HTTP ${status})` : ''}: ${err.message}`;
}
