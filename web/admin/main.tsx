import { startPortal } from '@shared/bootstrap';
import { routes } from './routes';

startPortal(
  {
    clientId: 'archway-admin',
    basePath: '/admin',
    // apim:api_view reads the gateway environments from the Publisher's settings.
    scopes: ['apim:admin', 'apim:api_view'],
    requiredScopes: ['apim:admin'],
  },
  routes,
);
