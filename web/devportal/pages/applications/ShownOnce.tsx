// A secret the server shows once (consumer secret, API key): copy buttons and a warning, and the
// dialog closes only when the user says so.
import type { ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';

export function ShownOnce({
  opened,
  title,
  onClose,
  children,
}: {
  opened: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow">
          <Text fw={700} size="sm">
            Copy it now
          </Text>
          <Text size="sm">It is shown only this once. Archway keeps only a hash of it.</Text>
        </Alert>
        {children}
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The shell line that gets a token with client credentials from our Key Manager. */
export function tokenCurl(
  consumerKey: string,
  consumerSecret: string,
  origin = window.location.origin,
): string {
  return `curl -u ${consumerKey}:${consumerSecret} -d grant_type=client_credentials ${origin}/oauth2/token`;
}

/** The shell line that calls an API through the gateway with a credential. */
export function apiCurl(url: string, credential: { kind: 'bearer' | 'apikey'; value: string }): string {
  const header =
    credential.kind === 'bearer'
      ? `Authorization: Bearer ${credential.value}`
      : `apikey: ${credential.value}`;
  return `curl -H "${header}" ${url}`;
}
