import type { ConnectorFactory } from '@passline/connector-kit';
import { aliyunSmsConnector } from './aliyun-sms/index.ts';
import { awsSnsSmsConnector } from './aws-sns-sms/index.ts';
import { devSmsConnector } from './dev-sms/index.ts';
import { httpSmsConnector } from './http-sms/index.ts';
import { infobipSmsConnector } from './infobip-sms/index.ts';
import { plivoSmsConnector } from './plivo-sms/index.ts';
import { sinchSmsConnector } from './sinch-sms/index.ts';
import { tencentSmsConnector } from './tencent-sms/index.ts';
import { twilioSmsConnector } from './twilio-sms/index.ts';
import { vonageSmsConnector } from './vonage-sms/index.ts';

/** The connectors that ship with Passline, in the order the console lists them. */
export const builtInConnectors: readonly ConnectorFactory[] = [
  twilioSmsConnector as ConnectorFactory,
  aliyunSmsConnector as ConnectorFactory,
  tencentSmsConnector as ConnectorFactory,
  vonageSmsConnector as ConnectorFactory,
  sinchSmsConnector as ConnectorFactory,
  plivoSmsConnector as ConnectorFactory,
  infobipSmsConnector as ConnectorFactory,
  awsSnsSmsConnector as ConnectorFactory,
  httpSmsConnector as ConnectorFactory,
  devSmsConnector as ConnectorFactory,
];
