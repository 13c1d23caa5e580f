// What an anonymous visitor sees when the server asks for sign-in before showing something.
import { useLocation } from 'react-router';
import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiError } from '@shared/api/client';
import { useAuth } from '@shared/auth/AuthContext';
import { ErrorNotice } from '@shared/components/QueryState';

/** The server's refusal; for an anonymous visitor's 401, an offer to sign in instead. */
export function LoadError({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry: () => void;
  title?: string;
}) {
  const { state, session } = useAuth();
  const location = useLocation();
  if (state.status === 'anonymous' && error instanceof ApiError && error.status === 401)
    return (
      <Alert color="indigo" title="Sign in to see this">
        <Group justify="space-between">
          <Text size="sm">This server shows its APIs to signed-in developers only.</Text>
          <Button size="xs" onClick={() => session.signIn(location.pathname + location.search)}>
            Sign in
          </Button>
        </Group>
      </Alert>
    );
  return <ErrorNotice error={error} onRetry={onRetry} title={title} />;
}
