import { describe, expect, it } from 'vitest';
import { describeLimit, formPathOf, isIp, rangeBackwards } from './model';

describe('throttling policy model', () => {
  it("maps the server's field paths to the form's", () => {
    expect(formPathOf('conditionalGroups[0].conditions[1].ipCondition.startingIP')).toBe(
      'conditionalGroups.0.conditions.1.startingIP',
    );
    expect(formPathOf('conditionalGroups[2].conditions[0].headerCondition.headerValue')).toBe(
      'conditionalGroups.2.conditions.0.value',
    );
    expect(formPathOf('conditionalGroups[0].conditions[0].jwtClaimsCondition.claimUrl')).toBe(
      'conditionalGroups.0.conditions.0.name',
    );
    expect(formPathOf('conditionalGroups[1].limit.bandwidth.dataAmount')).toBe(
      'conditionalGroups.1.limit.dataAmount',
    );
    expect(formPathOf('defaultLimit.requestCount.requestCount')).toBe('defaultLimit.requestCount');
    expect(formPathOf('defaultLimit.requestCount.unitTime')).toBe('defaultLimit.unitTime');
    expect(formPathOf('policyName')).toBe('policyName');
  });

  it('knows IPv4 and IPv6 addresses as the server does', () => {
    for (const ok of ['10.0.0.1', '255.255.255.255', '2001:db8::1', '::1', '::ffff:192.0.2.1'])
      expect(isIp(ok), ok).toBe(true);
    for (const bad of ['10.0.0.300', '10.0.0', 'localhost', '2001:db8:::1', '1.2.3.4/24', ''])
      expect(isIp(bad), bad).toBe(false);
    expect(rangeBackwards('10.0.0.9', '10.0.0.10')).toBe(false);
    expect(rangeBackwards('10.0.0.10', '10.0.0.9')).toBe(true);
  });

  it('describes a limit in words', () => {
    expect(
      describeLimit({
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { requestCount: 5, unitTime: 1, timeUnit: 'min' },
      }),
    ).toBe('5 requests per minute');
    expect(
      describeLimit({
        type: 'BANDWIDTHLIMIT',
        bandwidth: { dataAmount: 10, dataUnit: 'MB', unitTime: 2, timeUnit: 'hour' },
      }),
    ).toBe('10 MB per 2 hours');
  });
});
