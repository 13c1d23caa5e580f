import { PolicyEditor } from './policies/PolicyEditor';
import type { ApiTabProps } from './tabs';

export function PoliciesTab({ api }: ApiTabProps) {
  // A saved or reloaded API starts the editor afresh.
  return <PolicyEditor key={`${api.id}:${String(api.lastUpdatedTime ?? '')}`} api={api} />;
}
