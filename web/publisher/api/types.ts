// The Publisher REST API's shapes (/api/am/publisher/v4) the portal uses.

export interface Operation {
  id?: string;
  target: string;
  verb: string;
  authType?: string;
  throttlingPolicy?: string;
  scopes?: string[];
  operationPolicies?: { request: OperationPolicy[]; response: OperationPolicy[]; fault: OperationPolicy[] };
}

export interface OperationPolicy {
  policyName: string;
  policyId?: string;
  policyVersion?: string;
  parameters?: Record<string, unknown>;
}

export interface Api {
  id: string;
  name: string;
  context: string;
  version: string;
  description?: string;
  provider?: string;
  lifeCycleStatus: string;
  type?: string;
  policies?: string[];
  apiThrottlingPolicy?: string;
  tags?: string[];
  categories?: string[];
  visibility?: string;
  endpointConfig?: Record<string, unknown>;
  operations?: Operation[];
  hasThumbnail?: boolean;
  [field: string]: unknown;
}

// --- The API pages' shapes (list, create, API page tabs) ---

export interface Pagination {
  offset: number;
  limit: number;
  total: number;
  next?: string;
  previous?: string;
}

/** One entry of GET /apis. */
export interface ApiInfo {
  id: string;
  name: string;
  context: string;
  version: string;
  provider?: string;
  type?: string;
  description?: string;
  lifeCycleStatus: string;
  isDefaultVersion?: boolean;
  tags?: string[];
  hasThumbnail?: boolean;
  createdTime?: string;
  updatedTime?: string;
}

export interface ApiList {
  count: number;
  list: ApiInfo[];
  pagination?: Pagination;
}

/** GET /throttling-policies/{subscription|api|application}. */
export interface ThrottlingPolicy {
  name: string;
  displayName?: string;
  description?: string;
  requestCount?: number;
  timeUnit?: string;
  unitTime?: number;
  tierPlan?: string;
}

export interface ApiCategory {
  id: string;
  name: string;
  description?: string;
  numberOfAPIs?: number;
}

export interface CorsConfiguration {
  corsConfigurationEnabled: boolean;
  accessControlAllowOrigins?: string[];
  accessControlAllowMethods?: string[];
  accessControlAllowHeaders?: string[];
  accessControlAllowCredentials?: boolean;
}

export interface BusinessInformation {
  businessOwner?: string;
  businessOwnerEmail?: string;
  technicalOwner?: string;
  technicalOwnerEmail?: string;
}

export interface ApiScope {
  scope: { name: string; displayName?: string; description?: string; bindings?: string[] };
  shared?: boolean;
}

/** An endpoint of `endpointConfig` (`production_endpoints` and friends). */
export interface Endpoint {
  url: string;
  weight?: number;
  config?: Record<string, unknown>;
}

export interface EndpointSecurity {
  enabled: boolean;
  type?: string;
  username?: string;
  password?: string;
  apiKeyIdentifier?: string;
  apiKeyValue?: string;
  apiKeyIdentifierType?: string;
  grantType?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  [field: string]: unknown;
}

export interface EndpointConfig {
  endpoint_type: string;
  algoCombo?: string;
  production_endpoints?: Endpoint | Endpoint[];
  sandbox_endpoints?: Endpoint | Endpoint[];
  production_failovers?: Endpoint[];
  sandbox_failovers?: Endpoint[];
  endpoint_security?: { production?: EndpointSecurity; sandbox?: EndpointSecurity };
  [field: string]: unknown;
}

/** GET /apis/{apiId}/lifecycle-state. */
export interface LifecycleState {
  state: string;
  checkItems?: { name: string; value: boolean; requiredStates?: string[] }[];
  availableTransitions?: { event: string; targetState: string }[];
}

export interface LifecycleChange {
  previousState: string | null;
  postState: string;
  user?: string;
  updatedTime?: string;
}

export interface Deployment {
  revisionUuid?: string;
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
  deployedTime?: string;
  successDeployedTime?: string;
}

export interface Revision {
  id: string;
  displayName: string;
  description?: string;
  createdTime?: string;
  apiInfo?: { id: string };
  deploymentInfo?: Deployment[];
}

/** POST /apis/validate-openapi. */
export interface OpenApiProblem {
  code?: number;
  message?: string;
  description?: string;
  location?: string;
  line?: number;
  column?: number;
}

export interface OpenApiValidation {
  isValid: boolean;
  errors?: OpenApiProblem[];
  info?: {
    name?: string;
    version?: string;
    context?: string;
    description?: string;
    openAPIVersion?: string;
    endpoints?: string[];
    operationCount?: number;
  };
}

/** A Service Catalog entry (GET /api/am/service-catalog/v1/services). */
export interface CatalogService {
  id: string;
  name: string;
  key: string;
  version: string;
  displayName?: string;
  description?: string;
  serviceUrl?: string;
  definitionType?: string;
}

/** Publisher GET /settings (the gateway environments, as the product names them). */
export interface PublisherSettings {
  environment?: {
    name: string;
    displayName?: string;
    vhosts?: { host: string; httpPort?: number; httpContext?: string }[];
  }[];
  [field: string]: unknown;
}

/** The API object with the fields the API page edits (GET/PUT /apis/{apiId}). */
export interface ApiDetail extends Api {
  endpointConfig?: EndpointConfig;
  corsConfiguration?: CorsConfiguration;
  businessInformation?: BusinessInformation;
  scopes?: ApiScope[];
  securityScheme?: string[];
  transport?: string[];
  isDefaultVersion?: boolean;
  enableSchemaValidation?: boolean;
  enableResponseSchemaValidation?: boolean;
  responseCachingEnabled?: boolean;
  cacheTimeout?: number;
  enableBackendJWT?: boolean;
  authorizationHeader?: string;
  maxTps?: { production?: number | null; sandbox?: number | null } | null;
  serviceInfo?: { key?: string; name?: string; version?: string; outdated?: boolean };
  createdTime?: string;
  lastUpdatedTime?: string;
}
