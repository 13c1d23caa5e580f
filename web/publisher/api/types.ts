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
