import { startPortal } from '@shared/bootstrap';
import { routes } from './routes';

startPortal(
  {
    clientId: 'archway-admin',
    basePath: '/admin',
    scopes: ['apim:admin'],
    requiredScopes: ['apim:admin'],
  },
  routes,
);
