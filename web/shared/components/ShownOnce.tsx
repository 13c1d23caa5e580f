// A secret the server shows once (consumer secret, API key, gateway registration token): a
// warning to copy it now, and a dialog that closes only when the user says so.
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
