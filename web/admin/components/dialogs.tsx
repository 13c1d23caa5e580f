// Dialogs every admin section uses: a form in a modal (full screen on a phone), a confirmation
// that shows the server's refusal (a 409 when the thing is in use) in place, and row actions.
import { useState, type ReactNode } from 'react';
import { ActionIcon, Button, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { ErrorNotice } from '@shared/components/QueryState';
import { notifySuccess } from '@shared/components/forms';

export function FormModal({
  opened,
  onClose,
  title,
  size = 'lg',
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  size?: string;
  children: ReactNode;
}) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      size={size}
      fullScreen={phone}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {children}
    </Modal>
  );
}

/** Asks before deleting; the server's refusal stays in the dialog with its own words. */
export function ConfirmDelete({
  what,
  onDelete,
  onClose,
  opened,
  consequence,
  actionLabel = 'Delete',
  done,
}: {
  /** e.g. `application policy "Gold"` */
  what: string;
  onDelete: () => Promise<unknown>;
  onClose: () => void;
  opened: boolean;
  consequence?: ReactNode;
  actionLabel?: string;
  done?: string;
}) {
  const mutation = useMutation({
    mutationFn: onDelete,
    onSuccess: () => {
      notifySuccess(done ?? `Deleted ${what}`);
      onClose();
    },
  });
  const close = () => {
    mutation.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={`${actionLabel} ${what}?`}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Stack>
        <Text size="sm">{consequence ?? 'This cannot be undone.'}</Text>
        {mutation.isError && <ErrorNotice title="The server refused" error={mutation.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red.9" loading={mutation.isPending} onClick={() => mutation.mutate()}>
            {actionLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Edit and delete buttons of a table row, named for the row. */
export function RowActions({
  name,
  onEdit,
  onDelete,
  children,
}: {
  name: string;
  onEdit?: () => void;
  onDelete?: () => void;
  children?: ReactNode;
}) {
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      {children}
      {onEdit && (
        <Tooltip label="Edit">
          <ActionIcon variant="subtle" aria-label={`Edit ${name}`} onClick={onEdit}>
            <IconPencil size={16} />
          </ActionIcon>
        </Tooltip>
      )}
      {onDelete && (
        <Tooltip label="Delete">
          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${name}`} onClick={onDelete}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** Which row a dialog is open for: nothing, a new one, or an existing one. */
export function useDialog<T>() {
  const [state, setState] = useState<
    { mode: 'closed' } | { mode: 'create' } | { mode: 'edit'; item: T } | { mode: 'delete'; item: T }
  >({
    mode: 'closed',
  });
  return {
    state,
    create: () => setState({ mode: 'create' }),
    edit: (item: T) => setState({ mode: 'edit', item }),
    remove: (item: T) => setState({ mode: 'delete', item }),
    close: () => setState({ mode: 'closed' }),
  };
}
