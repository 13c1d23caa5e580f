import { PUBLISHER } from '@shared/api/client';
import { DocumentsPanel } from './documents/DocumentsPanel';
import type { ApiTabProps } from './tabs';

export function DocumentsTab({ api }: ApiTabProps) {
  return <DocumentsPanel base={`${PUBLISHER}/apis/${api.id}`} />;
}
