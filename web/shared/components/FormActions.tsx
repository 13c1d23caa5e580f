// The last row of a create or edit form: Cancel, then the submit button showing the request in flight.
import { Button, Group } from '@mantine/core';

export function FormActions({
  submitLabel,
  pending,
  onCancel,
}: {
  /** The submit button's text, e.g. `Save` when editing and `Create` otherwise. */
  submitLabel: string;
  /** The form's request is in flight: the submit button shows it and cannot be pressed again. */
  pending: boolean;
  onCancel: () => void;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={pending}>
        {submitLabel}
      </Button>
    </Group>
  );
}
