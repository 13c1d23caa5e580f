// Operation policies (Publisher v4 `GET /operation-policies`) and the flows operations carry.
import type { OperationPolicy } from './types';

export type PolicyFlow = 'request' | 'response' | 'fault';
export const POLICY_FLOWS: PolicyFlow[] = ['request', 'response', 'fault'];

export interface PolicyAttribute {
  name: string;
  displayName: string;
  description?: string;
  required: boolean;
  /** null: any value */
  validationRegex?: string | null;
  /** "String", or "JSON" for a JSON value such as jsonTransform's operations */
  type: string;
}

export interface PolicySpec {
  id: string;
  name: string;
  version?: string;
  displayName: string;
  description?: string;
  category?: string;
  applicableFlows: PolicyFlow[];
  policyAttributes: PolicyAttribute[];
}

export interface PolicySpecList {
  count: number;
  list: PolicySpec[];
}

export type PolicyFlows = Record<PolicyFlow, OperationPolicy[]>;
