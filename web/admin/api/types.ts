// The Admin REST API's shapes (/api/am/admin/v4) this portal reads and writes, as the server
// answers them (docs/rest-api.md, "Admin API").

export interface List<T> {
  count: number;
  list: T[];
}

export type TimeUnit = 'sec' | 'min' | 'hour' | 'day';
export type DataUnit = 'KB' | 'MB' | 'GB';

export interface RequestCountLimit {
  type: 'REQUESTCOUNTLIMIT';
  requestCount: { timeUnit: TimeUnit; unitTime: number; requestCount: number };
}

export interface BandwidthLimit {
  type: 'BANDWIDTHLIMIT';
  bandwidth: { timeUnit: TimeUnit; unitTime: number; dataAmount: number; dataUnit: DataUnit };
}

export type ThrottleLimit = RequestCountLimit | BandwidthLimit;

export type PolicyLevel = 'advanced' | 'application' | 'subscription';

interface PolicyBase {
  policyId?: string;
  policyName: string;
  displayName?: string;
  description?: string;
  isDeployed?: boolean;
  type?: string;
  defaultLimit: ThrottleLimit;
}

/** Burst control (spike arrest): at most `rateLimitCount` requests per second or minute; 0 is none. */
export interface BurstLimit {
  rateLimitCount: number;
  rateLimitTimeUnit: 'sec' | 'min' | null;
}

export interface ApplicationPolicy extends PolicyBase {
  /** Per user of an application, on top of the quota; older servers leave it out. */
  burstLimit?: BurstLimit | null;
}

/** Who may subscribe with a tier: only holders of one of `roles` (ALLOW) or everyone else (DENY). */
export interface TierPermissions {
  permissionType: 'ALLOW' | 'DENY';
  roles: string[];
}

export interface SubscriptionPolicy extends PolicyBase {
  rateLimitCount: number;
  rateLimitTimeUnit: 'sec' | 'min' | null;
  stopOnQuotaReach: boolean;
  billingPlan: 'FREE' | 'COMMERCIAL';
  /** The product's cap on event (WebSocket, WebSub) subscriptions; kept as it is. */
  subscriberCount?: number;
  customAttributes?: { name: string; value: string }[];
  /** null (or absent): anyone may subscribe. */
  permissions?: TierPermissions | null;
}

export type IpCondition =
  | { ipConditionType: 'IPSPECIFIC'; specificIP: string }
  | { ipConditionType: 'IPRANGE'; startingIP: string; endingIP: string };

export type ThrottleCondition = { invertCondition: boolean } & (
  | { type: 'HEADERCONDITION'; headerCondition: { headerName: string; headerValue: string } }
  | {
      type: 'QUERYPARAMETERCONDITION';
      queryParameterCondition: { parameterName: string; parameterValue: string };
    }
  | { type: 'JWTCLAIMSCONDITION'; jwtClaimsCondition: { claimUrl: string; attribute: string } }
  | { type: 'IPCONDITION'; ipCondition: IpCondition }
);

export type ConditionType = ThrottleCondition['type'];

export interface ConditionalGroup {
  description?: string;
  conditions: ThrottleCondition[];
  limit: ThrottleLimit;
}

export interface AdvancedPolicy extends PolicyBase {
  conditionalGroups: ConditionalGroup[];
}

export type AnyPolicy = ApplicationPolicy | SubscriptionPolicy | AdvancedPolicy;

export type DenyConditionType = 'API' | 'APPLICATION' | 'IP' | 'IPRANGE' | 'USER';

export type DenyConditionValue =
  string | { fixedIp: string; invert: boolean } | { startingIp: string; endingIp: string; invert: boolean };

export interface DenyPolicy {
  conditionId?: string;
  conditionType: DenyConditionType;
  conditionValue: DenyConditionValue;
  conditionStatus: boolean;
}

export interface User {
  userId?: string;
  username: string;
  roles: string[];
  createdTime?: string;
}

export interface KeyManager {
  id?: string;
  name: string;
  displayName: string;
  type: string;
  description?: string;
  enabled: boolean;
  issuer: string;
  certificates?: { type: 'JWKS'; value: string };
  consumerKeyClaim?: string;
  scopesClaim?: string;
  enableSelfValidationJWT?: boolean;
  jwksFetchedTime?: string | null;
}

export interface ApiCategory {
  id?: string;
  name: string;
  description: string;
  numberOfAPIs?: number;
}

export interface SigningKey {
  kid: string;
  alg: string;
  createdTime: string;
  active: boolean;
}

/** `GET /settings` of the Admin API (the product's Settings). */
export interface AdminSettings {
  scopes?: string[];
  gatewayTypes?: string[];
  analyticsEnabled?: boolean;
  transactionCounterEnable?: boolean;
  keyManagerConfiguration?: {
    type: string;
    displayName?: string;
    defaultConsumerKeyClaim?: string;
    defaultScopesClaim?: string;
  }[];
}

/** A gateway environment as the Publisher's `GET /settings` lists it. */
export interface GatewayEnvironment {
  id?: string;
  name: string;
  displayName?: string;
  type?: string;
  serverUrl?: string;
  showInApiConsole?: boolean;
  vhosts?: { host: string; httpContext?: string; httpPort?: number; httpsPort?: number }[];
  endpointURIs?: { protocol: string; endpointURI: string }[];
}

export interface PublisherSettings {
  environment?: GatewayEnvironment[];
}

/** A platform gateway (`/gateways`): a remote gateway registered with a token it presents to the feed. */
export interface PlatformGateway {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  vhost: string;
  properties?: Record<string, unknown>;
  /** A call to the gateway feed with its token within the last few minutes. */
  isActive?: boolean;
  permissions?: { permissionType: 'PUBLIC' | 'ALLOW' | 'DENY'; roles?: string[] } | null;
  createdAt?: string;
  updatedAt?: string;
}

/** What registering a gateway (or regenerating its token) answers: the token, this once. */
export interface RegisteredGateway extends PlatformGateway {
  registrationToken: string;
}
