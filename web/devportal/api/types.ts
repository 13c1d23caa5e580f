// The Developer Portal REST API's shapes (/api/am/devportal/v3) that this portal reads and sends.

/** Every list the DevPortal API returns. */
export interface List<T> {
  count: number;
  list: T[];
  pagination?: { offset: number; limit: number; total: number; next: string; previous: string };
}

export interface Tier {
  tierName: string;
  tierPlan?: string;
}

export interface BusinessInformation {
  businessOwner?: string | null;
  businessOwnerEmail?: string | null;
  technicalOwner?: string | null;
  technicalOwnerEmail?: string | null;
}

/** One gateway environment's URLs of an API, as the product lists them. */
export interface EndpointUrls {
  environmentName: string;
  environmentDisplayName?: string;
  environmentType?: string;
  URLs?: { http?: string | null; https?: string | null; ws?: string | null; wss?: string | null };
  defaultVersionURLs?: { http?: string | null; https?: string | null } | null;
}

/** An API or API product (`type` APIPRODUCT) as listed in the catalog. */
export interface ApiInfo {
  id: string;
  name: string;
  version: string;
  context: string;
  description?: string | null;
  provider?: string;
  type?: string;
  lifeCycleStatus?: string;
  throttlingPolicies?: string[];
  tiers?: Tier[];
  tags?: string[];
  categories?: string[];
  hasThumbnail?: boolean;
  isDefaultVersion?: boolean;
  businessInformation?: BusinessInformation | null;
}

export interface Operation {
  target: string;
  verb: string;
  authType?: string;
  throttlingPolicy?: string;
  scopes?: string[];
}

/** `GET /apis/{apiId}`. */
export interface ApiDetail extends ApiInfo {
  operations?: Operation[];
  endpointURLs?: EndpointUrls[];
  securityScheme?: string[];
  apis?: { apiId?: string; name: string; version?: string }[];
}

export interface Tag {
  value: string;
  count: number;
}

export interface Category {
  id: string;
  name: string;
  description?: string;
}

export interface Document {
  documentId: string;
  name: string;
  type: string;
  otherTypeName?: string | null;
  summary?: string | null;
  sourceType: 'INLINE' | 'MARKDOWN' | 'URL' | 'FILE';
  sourceUrl?: string | null;
  fileName?: string | null;
  visibility?: string;
}

export interface ThrottlingPolicy {
  name: string;
  displayName?: string;
  description?: string;
  requestCount?: number;
  unitTime?: number;
  timeUnit?: string;
  tierPlan?: string;
}

export interface Application {
  applicationId: string;
  name: string;
  throttlingPolicy: string;
  description?: string;
  tokenType?: string;
  status?: string;
  subscriptionCount?: number;
  owner?: string;
  createdTime?: string;
  updatedTime?: string;
  /** Values of the application attributes the server defines (and any others it was given). */
  attributes?: Record<string, string>;
}

export interface ApplicationInput {
  name: string;
  throttlingPolicy: string;
  description: string;
  tokenType?: 'JWT';
  attributes?: Record<string, string>;
}

/**
 * An application attribute the server asks for (`GET /settings/application-attributes`). The
 * product answers `required` and `hidden` as the strings "true"/"false"; booleans are taken too.
 */
export interface ApplicationAttributeDefinition {
  attribute: string;
  description?: string;
  tooltip?: string;
  /** e.g. "text" or "textarea" */
  type?: string;
  required?: boolean | string;
  hidden?: boolean | string;
  default?: string;
}

export type KeyType = 'PRODUCTION' | 'SANDBOX';

export interface AccessToken {
  accessToken: string;
  tokenScopes: string[];
  validityTime: number;
}

/** An application's OAuth client for one key type (`consumerSecret` only when just created). */
export interface ApplicationKey {
  keyMappingId: string;
  keyManager?: string;
  consumerKey: string;
  consumerSecret?: string | null;
  supportedGrantTypes: string[];
  callbackUrl?: string | null;
  keyState?: string;
  keyType: KeyType;
  token?: AccessToken;
}

export interface GenerateKeysRequest {
  keyType: KeyType;
  grantTypesToBeSupported: string[];
  callbackUrl?: string;
  validityTime?: number;
}

export interface ApiKey {
  keyName: string;
  apikey: string;
  validityTime: number;
}

export interface Subscription {
  subscriptionId: string;
  applicationId: string;
  apiId: string;
  throttlingPolicy: string;
  requestedThrottlingPolicy?: string;
  status: string;
  apiInfo?: ApiInfo;
  applicationInfo?: Application;
}

export interface SignUpRequest {
  username: string;
  password: string;
}

/** `GET /settings` (only the fields the portal reads). */
export interface Settings {
  grantTypes?: string[];
  scopes?: string[];
  apiGatewayEndpoint?: string;
  /** Archway: whether `POST /me/sign-up` takes new accounts. */
  selfSignUpEnabled?: boolean;
  passwordPolicyMinLength?: number;
  passwordPolicyMaxLength?: number;
}
