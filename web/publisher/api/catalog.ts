// The Service Catalog API (/api/am/service-catalog/v1) and the Publisher's import-service call.
import { api, CATALOG, PUBLISHER } from '@shared/api/client';

export const DEFINITION_TYPES = ['OAS3', 'OAS2', 'ASYNC_API', 'GRAPHQL_SDL', 'WSDL1', 'WSDL2'] as const;
export type DefinitionType = (typeof DEFINITION_TYPES)[number];
export const SECURITY_TYPES = ['NONE', 'BASIC', 'DIGEST', 'OAUTH2', 'X509', 'API_KEY'] as const;
export type SecurityType = (typeof SECURITY_TYPES)[number];

export interface CatalogService {
  id: string;
  name: string;
  key: string;
  version: string;
  md5: string;
  serviceKey?: string;
  displayName?: string;
  description?: string;
  serviceUrl?: string;
  definitionType?: DefinitionType;
  securityType?: SecurityType;
  mutualSSLEnabled?: boolean;
  definitionUrl?: string;
  createdTime?: string;
  lastUpdatedTime?: string;
}

/** `serviceMetadata` of a registration. */
export interface ServiceMetadata {
  name: string;
  version: string;
  serviceUrl: string;
  displayName?: string;
  description?: string;
  definitionType: DefinitionType;
  securityType: SecurityType;
  mutualSSLEnabled: boolean;
}

export interface Pagination {
  offset: number;
  limit: number;
  total: number;
}

export interface ServiceList {
  count: number;
  list: CatalogService[];
  pagination?: Pagination;
}

export interface ServiceUsage {
  count: number;
  list: {
    id: string;
    name: string;
    version: string;
    context: string;
    provider?: string;
    lifeCycleStatus?: string;
  }[];
}

export const catalogApi = {
  list: (query: { name?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    api<ServiceList>(`${CATALOG}/services`, { query, signal }),
  get: (id: string, signal?: AbortSignal) => api<CatalogService>(`${CATALOG}/services/${id}`, { signal }),
  definition: (id: string, signal?: AbortSignal) =>
    api<string>(`${CATALOG}/services/${id}/definition`, { as: 'text', signal }),
  usage: (id: string, signal?: AbortSignal) =>
    api<ServiceUsage>(`${CATALOG}/services/${id}/usage`, { signal }),
  remove: (id: string) => api<null>(`${CATALOG}/services/${id}`, { method: 'DELETE' }),
  register: (metadata: ServiceMetadata, definition: Blob, fileName: string) => {
    const form = new FormData();
    form.set(
      'serviceMetadata',
      new Blob([JSON.stringify(metadata)], { type: 'application/json' }),
      'metadata.json',
    );
    form.set('definitionFile', definition, fileName);
    return api<CatalogService>(`${CATALOG}/services`, { method: 'POST', body: form });
  },
  /** Publisher v4: an API from the service's definition. */
  createApi: (
    serviceKey: string,
    body: { name: string; context: string; version: string; policies: string[] },
  ) =>
    api<{ id: string }>(`${PUBLISHER}/apis/import-service`, { method: 'POST', query: { serviceKey }, body }),
};
