import type { MessageType, SendTextMessageCommandInput } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { oneOf, text, url } from '../config-fields';
import { withTimeout } from '../timeout';
import { awsClientOptions, awsCredentials, describeSdkError } from './aws-common';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, deliveryError, type Provider } from './provider';

/**
 * `[providers.aws_sms]`: SMS through AWS End User Messaging SMS (`SendTextMessage`,
 * the API AWS points Pinpoint users to). The real SDK signs and serialises the
 * request; `endpoint` points it elsewhere (tests, LocalStack). The SDK is loaded
 * only when this provider is enabled: it is a large module tree.
 */
export const awsSmsProvider = defineProviderKind({
  shape: {
    region: text(''),
    access_key: text(''),
    secret_key: text(''),
    origination_identity: text(''),
    message_type: oneOf('TRANSACTIONAL', ['TRANSACTIONAL', 'PROMOTIONAL'] as const),
    configuration_set: text(''),
    max_price: text(''),
    /** India's DLT registration (DestinationCountryParameters IN_ENTITY_ID / IN_TEMPLATE_ID). */
    sms_entity_id: text(''),
    sms_template_id: text(''),
    default_phone_code: phoneCode(),
    endpoint: url('', { optional: true }),
  },
  requiredWhenEnabled: ['region'],
  create(config, { id, logger }): Provider {
    const credentials = awsCredentials(config);
    // Loaded here, not at the top: only a gateway with aws_sms enabled pays for the SDK.
    const sdk = require('@aws-sdk/client-pinpoint-sms-voice-v2') as typeof import('@aws-sdk/client-pinpoint-sms-voice-v2');
    const client = new sdk.PinpointSMSVoiceV2Client({
      region: config.region,
      endpoint: config.endpoint || undefined,
      credentials,
      ...awsClientOptions(config, logger),
    });
    const countryParameters = {
      ...(config.sms_entity_id ? { IN_ENTITY_ID: config.sms_entity_id } : {}),
      ...(config.sms_template_id ? { IN_TEMPLATE_ID: config.sms_template_id } : {}),
    };
    const fixed: Omit<SendTextMessageCommandInput, 'DestinationPhoneNumber'> = {
      MessageType: config.message_type as MessageType,
      OriginationIdentity: config.origination_identity || undefined,
      ConfigurationSetName: config.configuration_set || undefined,
      MaxPrice: config.max_price || undefined,
      DestinationCountryParameters: Object.keys(countryParameters).length > 0 ? countryParameters : undefined,
    };
    const what = `aws sms (${id})`;
    return {
      id,
      ...phoneProviderBase('SMS', config),
      async send(message) {
        const command = new sdk.SendTextMessageCommand({ ...fixed, DestinationPhoneNumber: message.to, MessageBody: message.body, Context: { namespace: message.otp.namespace } });
        let output;
        try {
          output = await withTimeout(client.send(command, { abortSignal: AbortSignal.timeout(config.timeout) }), config.timeout, 'SendTextMessage');
        } catch (err) {
          throw deliveryError(what, describeSdkError(err));
        }
        if (!output.MessageId) throw new Error(`${what}: the answer has no MessageId`);
      },
      async close() {
        client.destroy();
      },
    };
  },
});
