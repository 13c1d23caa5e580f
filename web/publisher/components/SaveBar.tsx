import { Button, Group } from '@mantine/core';

/** A tab's Save and Discard buttons: Save shows the request in flight, both wait for a change. */
export function SaveBar({
  dirty,
  pending,
  onDiscard,
  label = 'Save',
}: {
  dirty: boolean;
  pending: boolean;
  onDiscard: () => void;
  label?: string;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onDiscard} disabled={!dirty || pending}>
        Discard changes
      </Button>
      <Button type="submit" loading={pending} disabled={!dirty}>
        {label}
      </Button>
    </Group>
  );
}
