// Documents of an API or an API product (Publisher v4 `/apis/{id}/documents`, `/api-products/{id}/documents`).
import { api } from '@shared/api/client';

export const DOCUMENT_TYPES = [
  'HOWTO',
  'SAMPLES',
  'PUBLIC_FORUM',
  'SUPPORT_FORUM',
  'API_MESSAGE_FORMAT',
  'SWAGGER_DOC',
  'OTHER',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_SOURCE_TYPES = ['INLINE', 'MARKDOWN', 'URL', 'FILE'] as const;
export type DocumentSourceType = (typeof DOCUMENT_SOURCE_TYPES)[number];

export const DOCUMENT_VISIBILITIES = ['API_LEVEL', 'PRIVATE', 'OWNER_ONLY'] as const;
export type DocumentVisibility = (typeof DOCUMENT_VISIBILITIES)[number];

/** The server's limits (src/domain/document.h). */
export const DOCUMENT_LIMITS = {
  name: 255,
  summary: 1024,
  url: 2048,
  inlineBytes: 2 * 1024 * 1024,
  fileBytes: 8 * 1024 * 1024,
};

export interface ApiDocument {
  documentId: string;
  name: string;
  type: DocumentType;
  otherTypeName?: string | null;
  summary?: string;
  sourceType: DocumentSourceType;
  sourceUrl?: string | null;
  fileName?: string | null;
  visibility: DocumentVisibility;
  hasContent?: boolean;
  createdBy?: string;
  createdTime?: string;
  lastUpdatedBy?: string;
  lastUpdatedTime?: string;
}

/** The create/update body. */
export interface DocumentBody {
  name: string;
  type: DocumentType;
  otherTypeName?: string;
  summary: string;
  sourceType: DocumentSourceType;
  sourceUrl?: string;
  visibility: DocumentVisibility;
}

export interface DocumentList {
  count: number;
  list: ApiDocument[];
}

/** Calls for the documents under `base` (`${PUBLISHER}/apis/{id}` or `${PUBLISHER}/api-products/{id}`). */
export function documentsApi(base: string) {
  const docs = `${base}/documents`;
  return {
    list: (signal?: AbortSignal) => api<DocumentList>(docs, { signal, query: { limit: 1000 } }),
    create: (body: DocumentBody) => api<ApiDocument>(docs, { method: 'POST', body }),
    update: (id: string, body: DocumentBody) => api<ApiDocument>(`${docs}/${id}`, { method: 'PUT', body }),
    remove: (id: string) => api<null>(`${docs}/${id}`, { method: 'DELETE' }),
    content: (id: string, signal?: AbortSignal) =>
      api<string>(`${docs}/${id}/content`, { as: 'text', signal }),
    file: (id: string) => api<Blob>(`${docs}/${id}/content`, { as: 'blob' }),
    saveInline: (id: string, text: string) => {
      const form = new FormData();
      // As a Blob part: browsers turn the newlines of string fields into CRLF, a Blob's bytes stay as typed.
      form.set('inlineContent', new Blob([text], { type: 'text/plain' }));
      return api<ApiDocument>(`${docs}/${id}/content`, { method: 'POST', body: form });
    },
    saveFile: (id: string, file: File) => {
      const form = new FormData();
      form.set('file', file, file.name);
      return api<ApiDocument>(`${docs}/${id}/content`, { method: 'POST', body: form });
    },
  };
}
