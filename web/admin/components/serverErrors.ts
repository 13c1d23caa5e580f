// Where the Admin API's refusal of a form goes: under the field its message names, under the
// form's name field for a 409 naming no field (the name is taken), otherwise in a notice.
import { ApiError } from '@shared/api/client';
import { notifyError } from '@shared/components/forms';

interface FieldErrors {
  setFieldError: (path: string, error: string) => void;
}

export function reportAdminError(
  form: FieldErrors,
  error: unknown,
  options: { fields: string[]; conflictField?: string; toFormPath?: (serverField: string) => string },
) {
  if (error instanceof ApiError) {
    if (error.field) {
      const target = options.toFormPath ? options.toFormPath(error.field) : error.field;
      if (options.fields.includes(target.split('.')[0])) {
        form.setFieldError(target, error.message);
        return;
      }
    }
    if (error.status === 409 && options.conflictField) {
      form.setFieldError(options.conflictField, error.message);
      return;
    }
  }
  notifyError(error);
}
