import { startPortal } from '@shared/bootstrap';
import { routes } from './routes';

startPortal(
  {
    clientId: 'archway-publisher',
    basePath: '/publisher',
    scopes: [
      'apim:api_view',
      'apim:api_create',
      'apim:api_publish',
      'apim:api_import_export',
      'apim:subscribe',
      'service_catalog:service_view',
      'service_catalog:service_write',
    ],
    requiredScopes: ['apim:api_view'],
  },
  routes,
);
