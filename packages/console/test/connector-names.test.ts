import { describe, expect, it } from 'vitest';
import { connectorChoices, connectorLabel } from '../src/connector-names.ts';

const names = {
  factories: new Map([
    ['twilio-sms', 'Twilio SMS'],
    ['aliyun-sms', 'Aliyun SMS'],
  ]),
  live: new Set(['con_aliyun0123456789']),
};

describe('connector names in the message log', () => {
  it('names a connector by its provider and short id, deleted or not, and unsaved tests by provider', () => {
    expect(connectorLabel({ connectorId: 'con_aliyun0123456789', factoryId: 'aliyun-sms' }, names)).toBe(
      'Aliyun SMS (con_aliyun01…)',
    );
    expect(connectorLabel({ connectorId: 'con_twilio0123456789', factoryId: 'twilio-sms' }, names)).toBe(
      'Twilio SMS (con_twilio01…, deleted)',
    );
    expect(connectorLabel({ connectorId: null, factoryId: 'twilio-sms' }, names)).toBe(
      'Twilio SMS (test of unsaved settings)',
    );
    // A connector type no longer loaded keeps its id as its name.
    expect(connectorLabel({ connectorId: 'con_1', factoryId: 'custom-sms' }, names)).toBe(
      'custom-sms (con_1, deleted)',
    );
  });

  it('offers every logged connector, then live ones with no messages yet, each once', () => {
    const logged = [
      { connectorId: 'con_b', factoryId: 'twilio-sms' },
      { connectorId: 'con_a', factoryId: 'aliyun-sms' },
    ];
    const live = [
      { id: 'con_a', factoryId: 'aliyun-sms' },
      { id: 'con_c', factoryId: 'dev-sms' },
    ];
    expect(connectorChoices(logged, live).map((choice) => choice.connectorId)).toEqual(['con_b', 'con_a', 'con_c']);
  });
});
