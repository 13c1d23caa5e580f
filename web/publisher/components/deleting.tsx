// The buttons of deleting an item from its page: the one that asks first, and the confirmation's own.
import { Button, Group } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';

/** The page's Delete button; it opens the page's confirmation. */
export function DeleteButton({ onClick }: { onClick: () => void }) {
  return (
    <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={onClick}>
      Delete
    </Button>
  );
}

/** The confirmation's Cancel and Delete; Delete shows the request in flight. */
export function ConfirmDeleteButtons({
  pending,
  onCancel,
  onDelete,
}: {
  pending: boolean;
  onCancel: () => void;
  onDelete: () => void;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button color="red" loading={pending} onClick={onDelete}>
        Delete
      </Button>
    </Group>
  );
}
