// The Developer Portal calls (/api/am/devportal/v3) the Publisher's test console makes for the signed-in user.
import { api, ApiError, DEVPORTAL } from '@shared/api/client';

export interface Application {
  applicationId: string;
  name: string;
  throttlingPolicy?: string;
  owner?: string;
}

export interface KeyMapping {
  keyMappingId: string;
  keyType: 'PRODUCTION' | 'SANDBOX';
  consumerKey: string;
  consumerSecret?: string | null;
}

export interface IssuedToken {
  accessToken: string;
  validityTime: number;
  tokenScopes?: string[];
}

export interface TestToken {
  accessToken: string;
  expiresAt: number;
  application: string;
}

/** The application the console subscribes and gets tokens for (one per user). */
export const CONSOLE_APPLICATION = 'PublisherTestConsole';

/**
 * A token for calling `apiId` as the signed-in user: the console's own application (created when
 * missing), subscribed to the API when `subscribe`, with client-credentials keys.
 */
export async function testToken(apiId: string, tier: string | null): Promise<TestToken> {
  const apps = await api<{ list: Application[] }>(`${DEVPORTAL}/applications`, { query: { limit: 100 } });
  const app =
    apps.list.find((a) => a.name === CONSOLE_APPLICATION) ??
    (await api<Application>(`${DEVPORTAL}/applications`, {
      method: 'POST',
      body: {
        name: CONSOLE_APPLICATION,
        throttlingPolicy: 'Unlimited',
        description: "Used by the Publisher's test console",
        tokenType: 'JWT',
      },
    }));
  if (tier) {
    try {
      await api(`${DEVPORTAL}/subscriptions`, {
        method: 'POST',
        body: { applicationId: app.applicationId, apiId, throttlingPolicy: tier },
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e; // 409: subscribed already
    }
  }
  const base = `${DEVPORTAL}/applications/${app.applicationId}`;
  const keys = await api<{ list: KeyMapping[] }>(`${base}/oauth-keys`);
  const production = keys.list.find((k) => k.keyType === 'PRODUCTION');
  let token: IssuedToken;
  if (production) {
    // The secret is shown once only; the console's own application takes a new one.
    const secret = await api<{ consumerSecret: string }>(
      `${base}/oauth-keys/${production.keyMappingId}/regenerate-secret`,
      { method: 'POST' },
    );
    token = await api<IssuedToken>(`${base}/oauth-keys/${production.keyMappingId}/generate-token`, {
      method: 'POST',
      body: { consumerSecret: secret.consumerSecret, validityPeriod: 3600 },
    });
  } else {
    const generated = await api<{ token: IssuedToken }>(`${base}/generate-keys`, {
      method: 'POST',
      body: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 3600 },
    });
    token = generated.token;
  }
  return {
    accessToken: token.accessToken,
    expiresAt: Date.now() + token.validityTime * 1000,
    application: app.name,
  };
}
