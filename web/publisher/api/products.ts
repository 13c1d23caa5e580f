// API products (Publisher v4 /api-products) and the lifecycle and revision shapes they share with APIs.
import { api, PUBLISHER } from '@shared/api/client';
import type { Operation } from './types';

export interface OperationRef {
  target: string;
  verb: string;
}

/** The bundled operations of one API, as a product's create/update body names them. */
export interface ProductApiSelection {
  apiId: string;
  /** Shown in the picker; the server fills it in answers. */
  name?: string;
  version?: string;
  operations: OperationRef[];
}

export interface ApiProduct {
  id: string;
  name: string;
  context: string;
  version: string;
  description?: string;
  provider?: string;
  state?: string;
  lifeCycleStatus?: string;
  policies?: string[];
  visibility?: string;
  securityScheme?: string[];
  apis: (ProductApiSelection & { operations: (OperationRef & Operation)[] })[];
  hasThumbnail?: boolean;
  createdTime?: string;
  lastUpdatedTime?: string;
  [field: string]: unknown;
}

export interface ProductBody {
  name: string;
  context: string;
  version: string;
  description?: string;
  policies: string[];
  visibility?: string;
  apis: ProductApiSelection[];
}

export interface Paged<T> {
  count: number;
  list: T[];
  pagination?: { offset: number; limit: number; total: number };
}

export interface ProductInfo {
  id: string;
  name: string;
  context: string;
  version: string;
  provider?: string;
  state?: string;
  lifeCycleStatus?: string;
  description?: string;
}

export interface ApiSummary {
  id: string;
  name: string;
  version: string;
  context: string;
  lifeCycleStatus?: string;
}

export interface LifecycleState {
  state: string;
  availableTransitions: { event: string; targetState: string }[];
  checkItems?: { name: string; value: boolean }[];
}

export interface LifecycleHistory {
  count: number;
  list: { previousState: string | null; postState: string; user: string; updatedTime: string }[];
}

export interface Revision {
  id: string;
  displayName: string;
  description?: string;
  createdTime?: string;
  deploymentInfo?: Deployment[];
}

export interface Deployment {
  revisionUuid?: string;
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
  deployedTime?: string;
  successDeployedTime?: string;
}

export const PRODUCTS = `${PUBLISHER}/api-products`;

/** Only what the create/update body takes for the bundled operations. */
export function selectionBody(apis: ProductApiSelection[]): ProductApiSelection[] {
  return apis
    .filter((a) => a.operations.length > 0)
    .map((a) => ({
      apiId: a.apiId,
      operations: a.operations.map((o) => ({ target: o.target, verb: o.verb })),
    }));
}

export const productsApi = {
  list: (query: { query?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    api<Paged<ProductInfo>>(PRODUCTS, { query, signal }),
  get: (id: string, signal?: AbortSignal) => api<ApiProduct>(`${PRODUCTS}/${id}`, { signal }),
  create: (body: ProductBody) => api<ApiProduct>(PRODUCTS, { method: 'POST', body }),
  update: (product: ApiProduct, changes: Partial<ProductBody>) =>
    api<ApiProduct>(`${PRODUCTS}/${product.id}`, {
      method: 'PUT',
      body: { ...product, apis: selectionBody(product.apis), ...changes },
    }),
  remove: (id: string) => api<null>(`${PRODUCTS}/${id}`, { method: 'DELETE' }),
};
