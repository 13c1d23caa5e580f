// The pages every portal shows around sign-in: the callback, "please sign in", "session expired"
// and "no access".
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useAuth } from './AuthContext';
import { SignInError } from './session';

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Center mih="60vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" maw={460} w="100%">
        <Stack>
          <Title order={2}>{title}</Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}

export function CallbackPage() {
  const { session } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // the code is single-use: never exchange it twice
    started.current = true;
    session
      .completeSignIn(new URLSearchParams(window.location.search))
      .then((to) => navigate(to, { replace: true }))
      .catch((e: unknown) =>
        setError(e instanceof SignInError || e instanceof Error ? e.message : String(e)),
      );
  }, [session, navigate]);
  if (error)
    return (
      <Panel title="Sign-in failed">
        <Alert color="red" role="alert">
          {error}
        </Alert>
        <Button onClick={() => session.signIn('/')}>Sign in again</Button>
      </Panel>
    );
  return (
    <Center mih="60vh">
      <Group>
        <Loader size="sm" role="status" aria-label="Signing in" />
        <Text>Signing in…</Text>
      </Group>
    </Center>
  );
}

function useReturnTo() {
  const location = useLocation();
  return location.pathname + location.search;
}

export function SignInPrompt({ portalName }: { portalName: string }) {
  const { session } = useAuth();
  const returnTo = useReturnTo();
  return (
    <Panel title={`Sign in to the ${portalName}`}>
      <Text>You sign in with your Archway account on the Key Manager's page, then come back here.</Text>
      <Button onClick={() => session.signIn(returnTo)}>Sign in</Button>
    </Panel>
  );
}

export function SessionExpired() {
  const { session } = useAuth();
  const returnTo = useReturnTo();
  return (
    <Panel title="Your session has expired">
      <Text>For your security you were signed out. Sign in again to go on where you were.</Text>
      <Group>
        <Button onClick={() => session.signIn(returnTo)}>Sign in again</Button>
        <Button variant="default" onClick={() => void session.signOut()}>
          Close
        </Button>
      </Group>
    </Panel>
  );
}

export function NoAccess({ portalName, roles }: { portalName: string; roles: string }) {
  const { session, username } = useAuth();
  return (
    <Panel title="No access">
      <Text>
        You are signed in as <b>{username}</b>, but the {portalName} needs {roles}. Ask an administrator to
        add the role to your account, then sign in again.
      </Text>
      <Button variant="default" onClick={() => void session.signOut()}>
        Sign out
      </Button>
    </Panel>
  );
}
