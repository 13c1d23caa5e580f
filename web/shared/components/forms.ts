// Showing the REST API's own error next to the field it names, or in a notice.
import { notifications } from '@mantine/notifications';
import { ApiError, messageOf } from '../api/client';

/** A form that can take an error for a field (Mantine's useForm fits). */
interface FieldErrors {
  setFieldError: (path: string, error: string) => void;
}

/**
 * Puts the server's message on the form field it names (`'name' is required` goes under `name`,
 * mapped through `fields` when the form names it differently); returns false when no field of the
 * form matched, so the caller shows a notice instead.
 */
export function applyServerError(
  form: FieldErrors,
  error: unknown,
  fields: Record<string, string> | string[],
): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const map = Array.isArray(fields) ? Object.fromEntries(fields.map((f) => [f, f])) : fields;
  const target = map[error.field] ?? map[error.field.split('.')[0]];
  if (!target) return false;
  form.setFieldError(target, error.message);
  return true;
}

export function notifyError(error: unknown, title = 'The request failed') {
  notifications.show({ color: 'red', title, message: messageOf(error), autoClose: 10_000 });
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', message, autoClose: 4000 });
}

/** For a form's submit: the error goes to its field when it names one, or to a notice. */
export function reportFormError(
  form: FieldErrors,
  error: unknown,
  fields: Record<string, string> | string[],
) {
  if (!applyServerError(form, error, fields)) notifyError(error);
}
