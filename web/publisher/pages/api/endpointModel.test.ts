import { describe, expect, it } from 'vitest';
import type { EndpointConfig } from '../../api/types';
import { formFieldOf, toConfig, toValues, ROUND_ROBIN } from './endpointModel';

describe('endpointConfig in the Endpoints tab', () => {
  it('keeps a failover group, its timeouts and other config fields through an edit', () => {
    const config: EndpointConfig = {
      endpoint_type: 'failover',
      production_endpoints: {
        url: 'http://primary:8080/v1',
        config: { actionDuration: '5000', retryCount: '2' },
      },
      production_failovers: [{ url: 'http://standby:8080/v1' }],
      endpoint_security: { production: { enabled: true, type: 'BASIC', username: 'svc', password: '' } },
    };
    const v = toValues(config);
    expect(v.production.map((r) => r.url)).toEqual(['http://primary:8080/v1', 'http://standby:8080/v1']);
    expect(v.production[0].timeout).toBe(5000);
    expect(v.productionSecurity).toMatchObject({
      enabled: true,
      type: 'BASIC',
      username: 'svc',
      password: '',
    });
    expect(toConfig(v, config)).toEqual({
      endpoint_type: 'failover',
      production_endpoints: {
        url: 'http://primary:8080/v1',
        config: { retryCount: '2', actionDuration: '5000' },
      },
      production_failovers: [{ url: 'http://standby:8080/v1' }],
      // "" keeps the stored password.
      endpoint_security: {
        production: { enabled: true, type: 'BASIC', username: 'svc', password: '' },
        sandbox: { enabled: false },
      },
    });
  });

  it('turns a single endpoint into a weighted load-balanced group', () => {
    const v = toValues({
      endpoint_type: 'http',
      production_endpoints: { url: 'http://a' },
      sandbox_endpoints: { url: 'http://s' },
    });
    v.endpointType = 'load_balance';
    v.production = [
      { ...v.production[0], weight: 3 },
      { url: 'http://b', weight: '', timeout: '', config: {} },
    ];
    expect(toConfig(v, undefined)).toEqual({
      endpoint_type: 'load_balance',
      algoCombo: ROUND_ROBIN,
      production_endpoints: [{ url: 'http://a', weight: 3 }, { url: 'http://b' }],
      sandbox_endpoints: [{ url: 'http://s' }],
    });
  });

  it('names the form field of a server message about an endpoint', () => {
    expect(formFieldOf('endpointConfig.production_endpoints[1].url', 'load_balance')).toBe(
      'production.1.url',
    );
    expect(formFieldOf('endpointConfig.sandbox_failovers[0].url', 'failover')).toBe('sandbox.1.url');
    expect(formFieldOf('endpointConfig.production_endpoints', 'http')).toBe('production.0.url');
    expect(formFieldOf('endpointConfig.endpoint_security.sandbox.apiKeyValue', 'http')).toBe(
      'sandboxSecurity.apiKeyValue',
    );
    expect(formFieldOf('endpointConfig.production_endpoints.config.factor', 'http')).toBe('production.0.url');
    expect(formFieldOf('endpointConfig.production_endpoints[0].config.actionDuration', 'load_balance')).toBe(
      'production.0.timeout',
    );
  });
});
