// Self sign-up: a new subscriber account, then sign-in through the Key Manager.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError, DEVPORTAL } from '@shared/api/client';
import { applyServerError } from '@shared/components/forms';
import { ErrorNotice } from '@shared/components/QueryState';
import { useAuth } from '@shared/auth/AuthContext';
import { useSettings } from '../api/queries';
import type { SignUpRequest } from '../api/types';

interface Values {
  username: string;
  password: string;
  confirm: string;
}

/** The server's rules for a username (identity::UserService::create). */
export function usernameError(v: string): string | null {
  if (v.length < 3 || v.length > 64) return 'A username has 3 to 64 characters';
  if (!/^[A-Za-z0-9._@-]+$/.test(v)) return 'Use only letters, digits and . _ - @';
  return null;
}

export function passwordError(v: string): string | null {
  if (v.length < 8) return 'A password has at least 8 characters';
  if (v.length > 256) return 'A password has at most 256 characters';
  return null;
}

export function SignUpPage() {
  const { session } = useAuth();
  const settings = useSettings();
  const closed = settings.data?.selfSignUpEnabled === false;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { username: '', password: '', confirm: '' },
    validate: {
      username: usernameError,
      password: passwordError,
      confirm: (v, all) => (v === all.password ? null : 'The passwords differ'),
    },
  });
  const signUp = useMutation({
    mutationFn: (body: SignUpRequest) =>
      api<{ username: string }>(`${DEVPORTAL}/me/sign-up`, { method: 'POST', body, anonymous: true }),
    onError: (e) => applyServerError(form, e, ['username', 'password']),
  });
  const refused =
    signUp.error &&
    !(
      signUp.error instanceof ApiError &&
      signUp.error.field &&
      ['username', 'password'].includes(signUp.error.field)
    );

  return (
    <Center py="xl">
      <Paper withBorder shadow="sm" p="xl" radius="md" maw={440} w="100%">
        {signUp.isSuccess ? (
          <Stack>
            <Title order={2}>Welcome, {signUp.data.username}</Title>
            <Alert color="teal.9" title="Your account is ready">
              Sign in to create applications, subscribe to APIs and get keys.
            </Alert>
            <Button onClick={() => session.signIn('/applications')}>Sign in</Button>
          </Stack>
        ) : (
          <form
            onSubmit={form.onSubmit((v) => signUp.mutate({ username: v.username, password: v.password }))}
            noValidate
          >
            <Stack>
              <Title order={2}>Create an account</Title>
              <Text size="sm" c="dimmed">
                Developers sign up here to subscribe to APIs and get keys.
              </Text>
              {closed && (
                <Alert color="yellow" title="Sign-up is closed">
                  This server does not take new accounts; ask an administrator for one.
                </Alert>
              )}
              {refused && (
                <ErrorNotice
                  error={signUp.error}
                  title={
                    signUp.error instanceof ApiError && signUp.error.status === 403
                      ? 'Sign-up is closed'
                      : 'Sign-up failed'
                  }
                />
              )}
              <TextInput
                label="Username"
                description="3 to 64 letters, digits or . _ - @"
                autoComplete="username"
                required
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label="Password"
                description="At least 8 characters"
                autoComplete="new-password"
                required
                {...form.getInputProps('password')}
              />
              <PasswordInput
                label="Confirm password"
                autoComplete="new-password"
                required
                {...form.getInputProps('confirm')}
              />
              <Button type="submit" loading={signUp.isPending} disabled={closed}>
                Sign up
              </Button>
              <Text size="sm">
                Have an account?{' '}
                <Button variant="subtle" size="compact-sm" onClick={() => session.signIn('/apis')}>
                  Sign in
                </Button>
              </Text>
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
