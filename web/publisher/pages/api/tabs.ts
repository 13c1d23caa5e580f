import type { Api } from '../../api/types';

/** What every tab of the API page receives: the API as GET /apis/{apiId} answers it. */
export interface ApiTabProps {
  api: Api;
}
