import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipLimitKey } from '../src/client-ip.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

describe('PASSLINE_TRUST_PROXY', () => {
  const trustProxyOf = (value: string) => loadConfig({ PASSLINE_TRUST_PROXY: value }).trustProxy;

  it('is off by default, a hop count, or a list of proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(trustProxyOf('false')).toBe(false);
    expect(trustProxyOf('1')).toBe(1);
    expect(trustProxyOf('2')).toBe(2);
    expect(trustProxyOf('10.0.0.0/8, 192.168.1.7 ,fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses `true`, which would let any client choose its IP, and anything it cannot parse', () => {
    for (const value of ['true', 'yes', '10.0.0.0/33', 'proxy.internal', '11']) {
      expect(() => trustProxyOf(value), value).toThrow(ConfigError);
    }
    expect(() => trustProxyOf('true')).toThrow(/number of proxies/);
  });
});

describe('ipLimitKey', () => {
  it('keeps IPv4 addresses and counts IPv6 per /64', () => {
    expect(ipLimitKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipLimitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:DB8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(ipLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipLimitKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(ipLimitKey('::ffff:c633:6407')).toBe('198.51.100.7');
  });
});

// With one load balancer in front (PASSLINE_TRUST_PROXY=1), the client is the address that
// balancer appended to X-Forwarded-For; whatever the client wrote there itself is ignored.
describeEachEngine('client IP behind one trusted proxy', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database(), { config: { trustProxy: 1 } });
    await useDevSms(passline);
    await passline.request('PATCH', '/api/settings/verification', {
      body: { ipHourlyLimit: 2, resendCooldownSeconds: 0 },
    });
  });
  afterAll(() => passline.close());

  const sendCode = (phone: string, forwardedFor: string) =>
    passline.app.inject({
      method: 'POST',
      url: '/api/experience/verification-code',
      payload: { phone, event: 'Register' },
      remoteAddress: '10.0.0.2', // the load balancer
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('cannot be spoofed with a made-up X-Forwarded-For entry', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      const response = await sendCode(`+1201555${3000 + index}`, `198.18.${index}.1, 203.0.113.50`);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.json().error.code).toBe('rate_limit.ip');
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    // Another real client behind the same balancer is counted on its own.
    expect((await sendCode('+12015553010', '203.0.113.51')).statusCode).toBe(200);
  });
});
