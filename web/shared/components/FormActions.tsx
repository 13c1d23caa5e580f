// The last row of a create or edit form: Cancel, then the submit button showing the request in flight.
import { Link } from 'react-router';
import { Button, Group } from '@mantine/core';

/** How Cancel leaves the form: a handler (closing a dialog or a panel), or a link to the page it came from. */
type Cancel = { onCancel: () => void; cancelTo?: never } | { cancelTo: string; onCancel?: never };

export function FormActions({
  submitLabel,
  pending,
  submitDisabled = false,
  ...cancel
}: {
  /** The submit button's text, e.g. `Save` when editing and `Create` otherwise. */
  submitLabel: string;
  /** The form's request is in flight: the submit button shows it and cannot be pressed again. */
  pending: boolean;
  /** The form cannot be sent at all (e.g. there is nothing to choose from); Cancel still works. */
  submitDisabled?: boolean;
} & Cancel) {
  return (
    <Group justify="flex-end">
      {cancel.cancelTo !== undefined ? (
        <Button variant="default" component={Link} to={cancel.cancelTo}>
          Cancel
        </Button>
      ) : (
        <Button variant="default" onClick={cancel.onCancel}>
          Cancel
        </Button>
      )}
      <Button type="submit" loading={pending} disabled={submitDisabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}
