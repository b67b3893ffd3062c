import type { MessageType } from '@aws-sdk/client-pinpoint';
import { oneOf, text, url } from '../config-fields';
import { withTimeout } from '../timeout';
import { awsClientOptions, awsCredentials, describeSdkError } from './aws-common';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, deliveryError, type Provider } from './provider';

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
    const credentials = awsCredentials(config);
    // Loaded here, not at the top: only a gateway with pinpoint_sms enabled pays for the SDK.
    const { PinpointClient, SendMessagesCommand } = require('@aws-sdk/client-pinpoint') as typeof import('@aws-sdk/client-pinpoint');
    const client = new PinpointClient({
      region: config.region,
      endpoint: config.endpoint || undefined,
      credentials,
      ...awsClientOptions(config, logger),
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
